// test/contracts/drizzle-schema.mjs -- the app's Drizzle schema, as plain
// ESM: mirrors ../fixtures/drizzle-schema.sql (what drizzle-kit generates from
// the app's schema) table for table, column for column: names, types,
// defaults, NOT NULLs, primary and foreign keys, indexes.  It knows nothing
// of what the extension adds (CHECK sets, id defaults, output schemas,
// step_definitions.output_schema and builtin): that is the point of the
// drizzle-zod comparison in 060_contracts.pl.
import { pgSchema, text, integer, jsonb, timestamp, index } from 'drizzle-orm/pg-core';

export const wp = pgSchema('workshoppilot');

export const workshops = wp.table('workshops', {
  id: text('id').primaryKey(),
  clerkUserId: text('clerk_user_id').notNull(),
  title: text('title').notNull(),
  originalIdea: text('original_idea').notNull(),
  status: text('status').default('draft').notNull(),
  orgId: text('org_id'),
  templateId: text('template_id'),
  visibility: text('visibility').default('private').notNull(),
  shareToken: text('share_token'),
  createdAt: timestamp('created_at', { precision: 3 }).defaultNow().notNull(),
  updatedAt: timestamp('updated_at', { precision: 3 }).defaultNow().notNull(),
}, (t) => [
  index('workshops_clerk_user_id_idx').on(t.clerkUserId),
  index('workshops_status_idx').on(t.status),
  index('workshops_org_id_idx').on(t.orgId),
]);

export const workshopMembers = wp.table('workshop_members', {
  id: text('id').primaryKey(),
  workshopId: text('workshop_id').notNull().references(() => workshops.id, { onDelete: 'cascade' }),
  clerkUserId: text('clerk_user_id').notNull(),
  role: text('role').notNull(),
  createdAt: timestamp('created_at', { precision: 3 }).defaultNow().notNull(),
}, (t) => [
  index('workshop_members_workshop_id_idx').on(t.workshopId),
  index('workshop_members_clerk_user_id_idx').on(t.clerkUserId),
]);

export const stepDefinitions = wp.table('step_definitions', {
  id: text('id').primaryKey(),
  order: integer('order').notNull(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  promptTemplate: text('prompt_template'),
  createdAt: timestamp('created_at', { precision: 3 }).defaultNow().notNull(),
  updatedAt: timestamp('updated_at', { precision: 3 }).defaultNow().notNull(),
});

export const workshopSteps = wp.table('workshop_steps', {
  id: text('id').primaryKey(),
  workshopId: text('workshop_id').notNull().references(() => workshops.id, { onDelete: 'cascade' }),
  stepId: text('step_id').notNull().references(() => stepDefinitions.id),
  status: text('status').default('not_started').notNull(),
  output: jsonb('output'),
  startedAt: timestamp('started_at', { precision: 3 }),
  completedAt: timestamp('completed_at', { precision: 3 }),
  createdAt: timestamp('created_at', { precision: 3 }).defaultNow().notNull(),
  updatedAt: timestamp('updated_at', { precision: 3 }).defaultNow().notNull(),
}, (t) => [
  index('workshop_steps_workshop_id_idx').on(t.workshopId),
  index('workshop_steps_step_id_idx').on(t.stepId),
  index('workshop_steps_status_idx').on(t.status),
]);

export const sessions = wp.table('sessions', {
  id: text('id').primaryKey(),
  workshopId: text('workshop_id').notNull().references(() => workshops.id, { onDelete: 'cascade' }),
  startedAt: timestamp('started_at', { precision: 3 }).defaultNow().notNull(),
  endedAt: timestamp('ended_at', { precision: 3 }),
  createdAt: timestamp('created_at', { precision: 3 }).defaultNow().notNull(),
}, (t) => [
  index('sessions_workshop_id_idx').on(t.workshopId),
  index('sessions_started_at_idx').on(t.startedAt),
]);

export const buildPacks = wp.table('build_packs', {
  id: text('id').primaryKey(),
  workshopId: text('workshop_id').notNull().references(() => workshops.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  formatType: text('format_type').notNull(),
  createdAt: timestamp('created_at', { precision: 3 }).defaultNow().notNull(),
  updatedAt: timestamp('updated_at', { precision: 3 }).defaultNow().notNull(),
}, (t) => [
  index('build_packs_workshop_id_idx').on(t.workshopId),
]);

// by table name, for the tests
export const tables = {
  workshops, workshop_members: workshopMembers, step_definitions: stepDefinitions,
  workshop_steps: workshopSteps, sessions, build_packs: buildPacks,
};
