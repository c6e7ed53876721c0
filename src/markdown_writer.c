/*
 * src/markdown_writer.c
 *
 * Renders a WpDoc (src/doc.h) as CommonMark, with GFM pipe tables.
 * Generic: knows nothing of the product.
 *
 * Escaping: user text can never change the structure of the document.
 * Every ASCII character that can open or close inline syntax (\ ` * _ [ ]
 * < > | ~ & #) is backslash-escaped wherever it appears; at the start of a
 * line the block openers + - = and a run of digits followed by . or ) are
 * escaped too; leading spaces and tabs become the character references
 * &#32; and &#9; (so they cannot open an indented code block and survive
 * as text).  A newline inside a paragraph or list item becomes a hard line
 * break (backslash at the end of the line), a blank line a new paragraph;
 * in headings and table cells a newline becomes a space.  Backslash escapes
 * of ASCII punctuation are valid everywhere in CommonMark, including GFM
 * table cells, where \| is a literal bar.
 *
 * Output is linear in the input: one pass over each text, appended to one
 * StringInfo (WpDocReserve guards MaxAllocSize).
 */
#include "postgres.h"

#include "miscadmin.h"

#include "doc.h"

#define MD_WHAT "Markdown document"

/* always escaped, wherever they are */
static inline bool
md_always(char c)
{
	return c == '\\' || c == '`' || c == '*' || c == '_' || c == '[' ||
		c == ']' || c == '<' || c == '>' || c == '|' || c == '~' ||
		c == '&' || c == '#';
}

/*
 * append_line_start
 *		Writes the start of one line of text s[0..len): leading blanks as
 *		character references, then an escaped block opener (+ - = or an
 *		ordered-list number) if there is one.  Returns the bytes consumed.
 */
static int
append_line_start(StringInfo out, const char *s, int len)
{
	int			i = 0;
	int			d;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
	{
		appendStringInfoString(out, s[i] == ' ' ? "&#32;" : "&#9;");
		i++;
	}
	if (i < len && (s[i] == '+' || s[i] == '-' || s[i] == '='))
	{
		appendStringInfoChar(out, '\\');
		appendStringInfoChar(out, s[i]);
		return i + 1;
	}
	d = i;
	while (d < len && s[d] >= '0' && s[d] <= '9')
		d++;
	if (d > i && d < len && (s[d] == '.' || s[d] == ')'))
	{
		appendBinaryStringInfo(out, s + i, d - i);
		appendStringInfoChar(out, '\\');
		appendStringInfoChar(out, s[d]);
		return d + 1;
	}
	return i;
}

/*
 * WpMarkdownAppendText
 *		Appends s[0..len) as escaped inline text.  multiline: newlines become
 *		hard breaks (continuation lines indented by indent spaces, to stay in
 *		a list item) and blank lines paragraph breaks; otherwise every line
 *		break becomes a space.  Trailing blanks of each line are dropped
 *		(CommonMark drops them anyway, and two would be a hard break).
 */
void
WpMarkdownAppendText(StringInfo out, const char *s, int len, bool multiline,
					 int indent)
{
	int			pos = 0;
	bool		first = true;
	bool		pending_blank = false;

	WpDocReserve(out, (Size) len * 6 + 16, MD_WHAT);
	while (pos <= len)
	{
		int			end = pos;
		int			stop;
		int			i;

		while (end < len && s[end] != '\n' && s[end] != '\r')
			end++;
		stop = end;
		while (stop > pos && (s[stop - 1] == ' ' || s[stop - 1] == '\t'))
			stop--;

		if (stop == pos)
		{
			/* blank line */
			if (!first)
				pending_blank = true;
		}
		else
		{
			if (!first)
			{
				if (!multiline)
					appendStringInfoChar(out, ' ');
				else
				{
					if (pending_blank)
						appendStringInfoString(out, "\n\n");
					else
						appendStringInfoString(out, "\\\n");
					appendStringInfoSpaces(out, indent);
				}
			}
			pending_blank = false;
			i = pos + append_line_start(out, s + pos, stop - pos);
			for (; i < stop; i++)
			{
				char		c = s[i];

				if (md_always(c))
					appendStringInfoChar(out, '\\');
				if (c == '\t' && !multiline)
					c = ' ';
				appendStringInfoChar(out, c);
			}
			first = false;
		}

		if (end >= len)
			break;
		if (s[end] == '\r' && end + 1 < len && s[end + 1] == '\n')
			end++;
		pos = end + 1;
		if ((pos & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * append_cell
 *		One table cell: escaped single-line text between bars.
 */
static void
append_cell(StringInfo out, const char *s, int len)
{
	appendStringInfoChar(out, ' ');
	WpMarkdownAppendText(out, s, len, false, 0);
	appendStringInfoString(out, " |");
}

/*
 * WpMarkdownRender
 *		Appends the whole document to out.  Blocks are separated by blank
 *		lines, except runs of fields or of bullets, which form one list each
 *		(fields use "*" and bullets "-", so a field list and a bullet list
 *		next to each other stay two lists).  Heading levels past 6 render as
 *		6; a bullet deeper than its predecessor plus one renders one deeper.
 */
void
WpMarkdownRender(const WpDoc *doc, StringInfo out)
{
	int			i;
	int			bullet_level = 0;
	WpDocKind	prev = WP_DOC_PAGE_BREAK;

	for (i = 0; i < doc->nblocks; i++)
	{
		const WpDocBlock *b = &doc->blocks[i];
		int			level;
		int			r;
		int			c;

		CHECK_FOR_INTERRUPTS();
		WpDocReserve(out, 64, MD_WHAT);

		/* end a list when something else follows it */
		if (out->len > 0 && !(b->kind == prev &&
							  (b->kind == WP_DOC_FIELD || b->kind == WP_DOC_BULLET)) &&
			b->kind != WP_DOC_PAGE_BREAK)
			appendStringInfoChar(out, '\n');
		if (b->kind != WP_DOC_BULLET)
			bullet_level = 0;

		switch (b->kind)
		{
			case WP_DOC_HEADING:
				level = Min(b->level, 6);
				appendStringInfoCharMacro(out, '#');
				for (r = 1; r < level; r++)
					appendStringInfoChar(out, '#');
				appendStringInfoChar(out, ' ');
				WpMarkdownAppendText(out, b->text, b->text_len, false, 0);
				appendStringInfoChar(out, '\n');
				break;
			case WP_DOC_PARAGRAPH:
				WpMarkdownAppendText(out, b->text, b->text_len, true, 0);
				appendStringInfoChar(out, '\n');
				break;
			case WP_DOC_NOTE:
				{
					const char *t = b->text;
					int			n = b->text_len;

					while (n > 0 && (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r'))
						t++, n--;
					while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t' ||
									 t[n - 1] == '\n' || t[n - 1] == '\r'))
						n--;
					if (n == 0)
						break;
					appendStringInfoChar(out, '*');
					WpMarkdownAppendText(out, t, n, false, 0);
					appendStringInfoString(out, "*\n");
				}
				break;
			case WP_DOC_FIELD:
				appendStringInfoString(out, "* **");
				WpMarkdownAppendText(out, b->label, b->label_len, false, 0);
				appendStringInfoString(out, ":** ");
				WpMarkdownAppendText(out, b->text, b->text_len, true, 2);
				appendStringInfoChar(out, '\n');
				break;
			case WP_DOC_BULLET:
				level = Min(b->level, bullet_level + 1);
				bullet_level = level;
				appendStringInfoSpaces(out, 2 * (level - 1));
				appendStringInfoString(out, "- ");
				WpMarkdownAppendText(out, b->text, b->text_len, true, 2 * level);
				appendStringInfoChar(out, '\n');
				break;
			case WP_DOC_TABLE:
				for (r = 0; r <= b->nrows; r++)
				{
					CHECK_FOR_INTERRUPTS();
					appendStringInfoChar(out, '|');
					for (c = 0; c < b->ncols; c++)
						append_cell(out, b->cells[r * b->ncols + c],
									b->cell_lens[r * b->ncols + c]);
					appendStringInfoChar(out, '\n');
					if (r == 0)
					{
						WpDocReserve(out, (Size) b->ncols * 6 + 2, MD_WHAT);
						appendStringInfoChar(out, '|');
						for (c = 0; c < b->ncols; c++)
							appendStringInfoString(out, " --- |");
						appendStringInfoChar(out, '\n');
					}
				}
				break;
			case WP_DOC_PAGE_BREAK:
				break;
		}
		if (b->kind != WP_DOC_PAGE_BREAK)
			prev = b->kind;
	}
}
