/*
 * src/doc.h
 *
 * A small document model and the two writers that render it: Markdown
 * (src/markdown_writer.c) and PDF (src/pdf_writer.c).  Generic: nothing
 * here knows of workshops or steps.  A product file builds a WpDoc as a flat
 * list of blocks (headings, paragraphs, notes, labelled fields, bullets,
 * tables, page breaks) and hands it to a writer.  All text is in the
 * server encoding; the writers escape it for their format.
 */
#ifndef WP_DOC_H
#define WP_DOC_H

#include "lib/stringinfo.h"

typedef enum WpDocKind
{
	WP_DOC_HEADING,				/* level 1.., text; outline: a bookmark */
	WP_DOC_PARAGRAPH,			/* text; '\n' breaks a line, a blank line a
								 * paragraph */
	WP_DOC_NOTE,				/* text: a remark about the content (status) */
	WP_DOC_FIELD,				/* label and text: one "Label: value" line */
	WP_DOC_BULLET,				/* level 1.., text: a bullet list item */
	WP_DOC_TABLE,				/* ncols, nrows, cells (header row first) */
	WP_DOC_PAGE_BREAK			/* a new page (PDF); nothing in Markdown */
} WpDocKind;

typedef struct WpDocBlock
{
	WpDocKind	kind;
	int			level;
	bool		outline;
	const char *label;
	int			label_len;
	const char *text;
	int			text_len;
	int			ncols;
	int			nrows;			/* body rows, header not counted */
	const char **cells;			/* (nrows + 1) * ncols, row-major */
	int		   *cell_lens;
} WpDocBlock;

typedef struct WpDoc
{
	const char *title;			/* document title (PDF /Info, outline) */
	WpDocBlock *blocks;
	int			nblocks;
	int			maxblocks;
} WpDoc;

extern WpDoc *WpDocCreate(const char *title);
extern void WpDocHeading(WpDoc *doc, int level, const char *text, int len,
						 bool outline);
extern void WpDocParagraph(WpDoc *doc, const char *text, int len);
extern void WpDocNote(WpDoc *doc, const char *text, int len);
extern void WpDocField(WpDoc *doc, const char *label, int label_len,
					   const char *text, int len);
extern void WpDocBullet(WpDoc *doc, int level, const char *text, int len);
extern void WpDocTable(WpDoc *doc, int ncols, int nrows, const char **cells,
					   int *cell_lens);
extern void WpDocPageBreak(WpDoc *doc);

/* Raises 54000 when buf cannot grow by add bytes (MaxAllocSize). */
extern void WpDocReserve(StringInfo buf, Size add, const char *what);

/* src/markdown_writer.c */
extern void WpMarkdownRender(const WpDoc *doc, StringInfo out);
extern void WpMarkdownAppendText(StringInfo out, const char *s, int len,
								 bool multiline, int indent);

/* src/pdf_writer.c */
extern bytea *WpPdfRender(const WpDoc *doc);

#endif							/* WP_DOC_H */
