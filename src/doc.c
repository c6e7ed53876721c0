/*
 * src/doc.c
 *
 * The document model of src/doc.h: a growing array of blocks.  Blocks point
 * at text the caller keeps alive (palloc'd in the same or a longer-lived
 * context) until the document is rendered; nothing is copied, so building a
 * document is linear in the number of blocks.
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "doc.h"

/*
 * WpDocCreate
 *		A new empty document with this title (server encoding, kept by
 *		reference).
 */
WpDoc *
WpDocCreate(const char *title)
{
	WpDoc	   *doc = palloc0(sizeof(WpDoc));

	doc->title = title;
	doc->maxblocks = 64;
	doc->blocks = palloc(doc->maxblocks * sizeof(WpDocBlock));
	return doc;
}

/*
 * add_block
 *		Appends a zeroed block of this kind and returns it; doubles the array
 *		when full (amortised constant time).  Raises 54000 past MaxAllocSize.
 */
static WpDocBlock *
add_block(WpDoc *doc, WpDocKind kind)
{
	WpDocBlock *b;

	if (doc->nblocks == doc->maxblocks)
	{
		if ((Size) doc->maxblocks * 2 * sizeof(WpDocBlock) > MaxAllocSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("document has too many blocks"),
					 errdetail("A document holds at most %d blocks.",
							   (int) (MaxAllocSize / sizeof(WpDocBlock)))));
		doc->maxblocks *= 2;
		doc->blocks = repalloc(doc->blocks, doc->maxblocks * sizeof(WpDocBlock));
	}
	b = &doc->blocks[doc->nblocks++];
	memset(b, 0, sizeof(WpDocBlock));
	b->kind = kind;
	return b;
}

/*
 * WpDocHeading
 *		A heading of level 1 or more (deeper levels are rendered as the
 *		deepest the format has); outline: also a PDF bookmark.
 */
void
WpDocHeading(WpDoc *doc, int level, const char *text, int len, bool outline)
{
	WpDocBlock *b = add_block(doc, WP_DOC_HEADING);

	b->level = Max(level, 1);
	b->text = text;
	b->text_len = len;
	b->outline = outline;
}

/*
 * WpDocParagraph
 *		Running text; a newline breaks the line, a blank line starts another
 *		paragraph.
 */
void
WpDocParagraph(WpDoc *doc, const char *text, int len)
{
	WpDocBlock *b = add_block(doc, WP_DOC_PARAGRAPH);

	b->text = text;
	b->text_len = len;
}

/*
 * WpDocNote
 *		A remark about the content (e.g. a status), set apart from it.
 */
void
WpDocNote(WpDoc *doc, const char *text, int len)
{
	WpDocBlock *b = add_block(doc, WP_DOC_NOTE);

	b->text = text;
	b->text_len = len;
}

/*
 * WpDocField
 *		A labelled value ("Label: value"); consecutive fields form a list.
 */
void
WpDocField(WpDoc *doc, const char *label, int label_len,
		   const char *text, int len)
{
	WpDocBlock *b = add_block(doc, WP_DOC_FIELD);

	b->label = label;
	b->label_len = label_len;
	b->text = text;
	b->text_len = len;
}

/*
 * WpDocBullet
 *		An item of a bullet list at nesting level 1 or more; a level deeper
 *		than the previous item's plus one is rendered as that.
 */
void
WpDocBullet(WpDoc *doc, int level, const char *text, int len)
{
	WpDocBlock *b = add_block(doc, WP_DOC_BULLET);

	b->level = Max(level, 1);
	b->text = text;
	b->text_len = len;
}

/*
 * WpDocTable
 *		A table of ncols columns: cells holds the header row and then nrows
 *		body rows, row-major, with their byte lengths in cell_lens.
 */
void
WpDocTable(WpDoc *doc, int ncols, int nrows, const char **cells,
		   int *cell_lens)
{
	WpDocBlock *b = add_block(doc, WP_DOC_TABLE);

	Assert(ncols > 0 && nrows >= 0);
	b->ncols = ncols;
	b->nrows = nrows;
	b->cells = cells;
	b->cell_lens = cell_lens;
}

/*
 * WpDocPageBreak
 *		Starts a new page in paged formats.
 */
void
WpDocPageBreak(WpDoc *doc)
{
	add_block(doc, WP_DOC_PAGE_BREAK);
}

/*
 * WpDocReserve
 *		Makes sure buf can grow by add bytes without passing MaxAllocSize;
 *		raises 54000 (program_limit_exceeded) naming what is being written
 *		otherwise, instead of the generic out-of-memory error StringInfo
 *		would give.
 */
void
WpDocReserve(StringInfo buf, Size add, const char *what)
{
	if (add >= MaxAllocSize || (Size) buf->len + add >= MaxAllocSize - 1)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s would exceed the maximum size of %d bytes",
						what, (int) (MaxAllocSize - 1)),
				 errhint("Reduce the size of the step outputs.")));
}
