/*
 * src/pdf_writer.c
 *
 * Renders a WpDoc (src/doc.h) as a PDF 1.4 file.  Generic: knows nothing of
 * the product.
 *
 * Design.  Text uses the standard Type 1 fonts Helvetica, Helvetica-Bold
 * and Courier (not embedded; every PDF reader has them) in
 * WinAnsiEncoding, so the text is real text: selectable and searchable.
 * The writer converts the server-encoded text to Unicode and then to
 * WinAnsiEncoding: ASCII, Latin-1 and the Windows-1252 extras (euro sign,
 * curly quotes, dashes, bullet, ...) map to their codes; any other
 * character is written as "?" (a visible replacement); control characters
 * other than tab and newline are dropped, a tab is a space.  Lines are
 * wrapped greedily at spaces with the real advance widths of the fonts
 * (src/pdf_font_metrics.c, from Adobe's AFM files); a word wider than the
 * line is broken between characters.
 *
 * Layout: A4 pages; headings (level 1 to 4+ in decreasing sizes) are kept
 * with at least a few lines of what follows; bullets hang-indented per
 * level; fields as a bold label and the value; tables with a grey header
 * row repeated on every page the table spans, column widths from the
 * natural widths of their cells fitted to the page, cell text wrapped, and
 * rows taller than a page split across pages.  Each page's content stream
 * is kept in memory until the page count N is known; then every page gets
 * its footer "n / N" and the file is assembled: catalog, page tree, fonts,
 * /Info (Title), an outline with one bookmark per heading flagged
 * "outline", the pages, the cross-reference table with the byte offset of
 * every object, and the trailer.  Strings in content streams are escaped
 * (\( \) \\ and octal for bytes outside printable ASCII); the title and
 * bookmarks are UTF-16BE hex strings, so they keep every character.
 * Nothing is compressed.  Time and memory are linear in the document.
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "compat.h"
#include "doc.h"
#include "pdf_writer.h"

#define PDF_WHAT "PDF document"

/* page geometry, in points (A4) */
#define PAGE_W 595
#define PAGE_H 842
#define MARGIN_L 60.0
#define MARGIN_R 60.0
#define MARGIN_TOP 64.0
#define MARGIN_BOTTOM 64.0
#define FOOTER_Y 34.0
#define BODY_W (PAGE_W - MARGIN_L - MARGIN_R)

/* fonts: resource names F1..F3 */
typedef enum PdfFont
{
	FONT_REGULAR = 0,
	FONT_BOLD = 1,
	FONT_MONO = 2
} PdfFont;

static const uint16 *const font_widths[3] = {
	wp_pdf_width_helvetica, wp_pdf_width_helvetica_bold, wp_pdf_width_courier
};

#define BODY_SIZE 10.5
#define BODY_LEAD 14.0
#define TABLE_SIZE 9.0
#define TABLE_LEAD 11.5
#define CELL_PAD 4.0
#define BULLET_INDENT 14.0

typedef struct PdfOutline
{
	const char *title;			/* server encoding */
	int			title_len;
	int			page;			/* 0-based */
	double		y;
} PdfOutline;

typedef struct PdfState
{
	StringInfo *pages;			/* content stream of each page */
	int			npages;
	int			maxpages;
	StringInfo	cur;			/* == pages[npages - 1] */
	double		y;				/* baseline of the next line */
	bool		page_empty;		/* nothing drawn on cur yet */
	PdfOutline *outline;
	int			noutline;
	int			maxoutline;
	Size		total;			/* bytes in all content streams */
} PdfState;

/* Windows-1252 codes 0x80..0x9F and the Unicode code points they stand for */
static const uint16 cp1252_extras[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178
};

/*
 * unicode_to_winansi
 *		The WinAnsiEncoding code of code point cp, '?' when it has none, or
 *		0 for a character to drop (controls).  Tab maps to a space, newline
 *		stays a newline.
 */
static unsigned char
unicode_to_winansi(pg_wchar cp)
{
	int			k;

	if (cp == '\n')
		return '\n';
	if (cp == '\t')
		return ' ';
	if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
		return 0;
	if (cp < 0x7F || (cp >= 0xA0 && cp <= 0xFF))
		return (unsigned char) cp;
	for (k = 0; k < 32; k++)
		if (cp1252_extras[k] == cp)
			return (unsigned char) (0x80 + k);
	return '?';
}

/*
 * to_utf8
 *		s[0..len) converted from the server encoding to UTF-8 (s itself when
 *		the server encoding is UTF-8 or the text is ASCII); *outlen set.
 */
static const char *
to_utf8(const char *s, int len, int *outlen)
{
	char	   *u;

	if (GetDatabaseEncoding() == PG_UTF8 || len == 0)
	{
		*outlen = len;
		return s;
	}
	u = (char *) pg_do_encoding_conversion((unsigned char *) s, len,
										   GetDatabaseEncoding(), PG_UTF8);
	*outlen = (u == s) ? len : (int) strlen(u);
	return u;
}

/*
 * to_winansi
 *		s[0..len), in the server encoding, as WinAnsiEncoding bytes (palloc'd,
 *		NUL-terminated, at most len bytes); *outlen set.  \r\n and \r count as
 *		newlines.
 */
static char *
to_winansi(const char *s, int len, int *outlen)
{
	int			ulen;
	const unsigned char *u = (const unsigned char *) to_utf8(s, len, &ulen);
	char	   *w = palloc(ulen + 1);
	int			i = 0;
	int			n = 0;

	while (i < ulen)
	{
		int			l = pg_utf_mblen(u + i);
		pg_wchar	cp;
		unsigned char c;

		if (l < 1 || i + l > ulen)
			l = 1;
		cp = (l == 1) ? u[i] : utf8_to_unicode(u + i);
		if (cp == '\r')
		{
			cp = '\n';
			if (i + 1 < ulen && u[i + 1] == '\n')
				i++;
		}
		c = unicode_to_winansi(cp);
		if (c)
			w[n++] = (char) c;
		i += l;
	}
	w[n] = '\0';
	*outlen = n;
	return w;
}

/* width of w[0..len) in points at this size */
static double
text_width(PdfFont font, double size, const char *w, int len)
{
	const uint16 *wd = font_widths[font];
	long		sum = 0;
	int			i;

	for (i = 0; i < len; i++)
		sum += wd[(unsigned char) w[i]];
	return sum * size / 1000.0;
}

/*
 * new_page
 *		Starts a page: its content stream becomes cur and y its top line.
 */
static void
new_page(PdfState *st)
{
	if (st->npages == st->maxpages)
	{
		if ((Size) st->maxpages * 2 * sizeof(StringInfo) >= MaxAllocSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s has too many pages", PDF_WHAT)));
		st->maxpages *= 2;
		st->pages = repalloc(st->pages, st->maxpages * sizeof(StringInfo));
	}
	if (st->cur)
		st->total += st->cur->len;
	st->cur = makeStringInfo();
	st->pages[st->npages++] = st->cur;
	st->y = PAGE_H - MARGIN_TOP;
	st->page_empty = true;
	CHECK_FOR_INTERRUPTS();
}

/* makes room for height points below y, starting a new page if needed */
static void
need(PdfState *st, double height)
{
	if (st->y - height < MARGIN_BOTTOM && !st->page_empty)
		new_page(st);
}

/*
 * append_pdf_string
 *		Appends w[0..len) (WinAnsi bytes) as a PDF literal string "(...)".
 */
static void
append_pdf_string(StringInfo out, const char *w, int len)
{
	int			i;

	WpDocReserve(out, (Size) len * 4 + 2, PDF_WHAT);
	appendStringInfoChar(out, '(');
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) w[i];

		if (c == '(' || c == ')' || c == '\\')
		{
			appendStringInfoChar(out, '\\');
			appendStringInfoChar(out, (char) c);
		}
		else if (c < 0x20 || c >= 0x7F)
			appendStringInfo(out, "\\%03o", c);
		else
			appendStringInfoChar(out, (char) c);
	}
	appendStringInfoChar(out, ')');
}

/*
 * draw_text
 *		One run of text with its baseline at (x, y) in a font, size and grey
 *		level (0 black .. 1 white).
 */
static void
draw_text(PdfState *st, double x, double y, PdfFont font, double size,
		  double grey, const char *w, int len)
{
	StringInfo	out = st->cur;

	if (len == 0)
		return;
	WpDocReserve(out, 64, PDF_WHAT);
	appendStringInfo(out, "BT %.3g g /F%d %.4g Tf %.2f %.2f Td ",
					 grey, font + 1, size, x, y);
	append_pdf_string(out, w, len);
	appendStringInfoString(out, " Tj ET\n");
	st->page_empty = false;
}

/*
 * Wrapping.  wrap_next finds the next line of w[*pos..len) that fits in
 * width points: it ends at the last space that fits (the space dropped), or
 * at a newline, or, for a word wider than the line, at the last character
 * that fits (at least one).  Returns false at the end of the text.  Each
 * call is linear in the bytes it consumes.
 */
static bool
wrap_next(PdfFont font, double size, double width, const char *w, int len,
		  int *pos, int *start, int *linelen)
{
	const uint16 *wd = font_widths[font];
	long		limit = (long) (width * 1000.0 / size);
	long		sum = 0;
	int			i = *pos;
	int			orig = *pos;
	int			last_space = -1;

	if (i >= len)
		return false;
	while (i < len && w[i] == ' ')
		i++;					/* a wrapped line does not start with blanks */
	*start = i;
	for (; i < len; i++)
	{
		unsigned char c = (unsigned char) w[i];

		if (c == '\n')
		{
			*linelen = i - *start;
			*pos = i + 1;
			return true;
		}
		if (c == ' ')
			last_space = i;
		sum += wd[c];
		if (sum > limit && c != ' ')
		{
			if (last_space > *start)
			{
				*linelen = last_space - *start;
				*pos = last_space + 1;
			}
			else
			{
				*linelen = Max(i - *start, 1);
				*pos = *start + *linelen;
			}
			return true;
		}
	}
	*linelen = len - *start;
	*pos = len;
	/* a trailing run of blanks gives no line of its own (unless all blank) */
	return *linelen > 0 || orig == 0;
}

/*
 * draw_wrapped
 *		Draws w[0..len) wrapped to width at x, one line every lead points,
 *		breaking pages as needed; first_x / first_width for the first line
 *		(after a label).  Leaves y below the last line.
 */
static void
draw_wrapped(PdfState *st, double x, double width, double first_x,
			 double first_width, PdfFont font, double size, double lead,
			 double grey, const char *w, int len)
{
	int			pos = 0;
	int			start;
	int			n;
	bool		first = true;

	while (wrap_next(font, size, first ? first_width : width, w, len,
					 &pos, &start, &n))
	{
		if (!first)
		{
			st->y -= lead;
			if (st->y < MARGIN_BOTTOM)
				new_page(st);
		}
		draw_text(st, first ? first_x : x, st->y, font, size, grey, w + start, n);
		first = false;
		if ((pos & 0x3fff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	st->y -= lead;
}

/*
 * render_heading
 *		A heading: bold, sized by level, kept with about three lines of what
 *		follows; records its bookmark.
 */
static void
render_heading(PdfState *st, const WpDocBlock *b)
{
	static const double sizes[] = {20.0, 15.0, 12.5, 11.0};
	double		size = sizes[Min(b->level, 4) - 1];
	double		lead = size * 1.25;
	int			n;
	char	   *w = to_winansi(b->text, b->text_len, &n);

	if (!st->page_empty)
		st->y -= size * 0.8;	/* space above */
	need(st, lead + 3 * BODY_LEAD);
	if (b->outline)
	{
		PdfOutline *o;

		if (st->noutline == st->maxoutline)
		{
			st->maxoutline *= 2;
			st->outline = repalloc(st->outline, st->maxoutline * sizeof(PdfOutline));
		}
		o = &st->outline[st->noutline++];
		o->title = b->text;
		o->title_len = b->text_len;
		o->page = st->npages - 1;
		o->y = st->y + size;
	}
	for (int k = 0; k < n; k++)
		if (w[k] == '\n')
			w[k] = ' ';
	st->y -= size * 0.2;
	draw_wrapped(st, MARGIN_L, BODY_W, MARGIN_L, BODY_W, FONT_BOLD, size, lead,
				 0.0, w, n);
	if (b->level <= 2)
	{
		/* a rule under the big headings */
		appendStringInfo(st->cur, "0.6 G 0.6 w %.2f %.2f m %.2f %.2f l S\n",
						 MARGIN_L, st->y + lead - size * 0.45,
						 MARGIN_L + BODY_W, st->y + lead - size * 0.45);
	}
	st->y -= size * 0.3;
}

/*
 * render_table
 *		A table: column widths from the cells' natural widths fitted to the
 *		body width, wrapped cells, header row repeated on each page, rows
 *		split across pages when taller than what is left.
 */
static void
render_table(PdfState *st, const WpDocBlock *b)
{
	int			ncols = b->ncols;
	int			ncells = (b->nrows + 1) * ncols;
	char	  **w = palloc(ncells * sizeof(char *));
	int		   *wl = palloc(ncells * sizeof(int));
	double	   *natural = palloc0(ncols * sizeof(double));
	double	   *colw = palloc(ncols * sizeof(double));
	int		   *lines = palloc(ncells * sizeof(int));
	double		total = 0;
	double		fair = BODY_W / ncols;
	double		fixed = 0;
	double		flex = 0;
	int			r,
				c;

	/* natural width of each column (widest cell, unwrapped) */
	for (r = 0; r <= b->nrows; r++)
	{
		CHECK_FOR_INTERRUPTS();
		for (c = 0; c < ncols; c++)
		{
			int			k = r * ncols + c;
			double		tw;

			w[k] = to_winansi(b->cells[k], b->cell_lens[k], &wl[k]);
			for (int j = 0; j < wl[k]; j++)
				if (w[k][j] == '\n')
					w[k][j] = ' ';
			tw = text_width(r == 0 ? FONT_BOLD : FONT_REGULAR, TABLE_SIZE, w[k], wl[k]) +
				2 * CELL_PAD + 1;
			natural[c] = Max(natural[c], tw);
		}
	}
	for (c = 0; c < ncols; c++)
		total += natural[c];
	if (total <= BODY_W)
	{
		/* everything fits: share out the spare width in proportion */
		for (c = 0; c < ncols; c++)
			colw[c] = natural[c] * BODY_W / total;
	}
	else
	{
		/* narrow columns keep their width, wide ones share the rest */
		for (c = 0; c < ncols; c++)
		{
			if (natural[c] <= fair)
				fixed += natural[c];
			else
				flex += natural[c];
		}
		for (c = 0; c < ncols; c++)
			colw[c] = (natural[c] <= fair) ? natural[c] :
				natural[c] * (BODY_W - fixed) / flex;
	}

	/* line count of every cell */
	for (r = 0; r <= b->nrows; r++)
	{
		CHECK_FOR_INTERRUPTS();
		for (c = 0; c < ncols; c++)
		{
			int			k = r * ncols + c;
			int			pos = 0,
						s,
						n;
			int			cnt = 0;

			while (wrap_next(r == 0 ? FONT_BOLD : FONT_REGULAR, TABLE_SIZE,
							 colw[c] - 2 * CELL_PAD, w[k], wl[k], &pos, &s, &n))
				cnt++;
			lines[k] = cnt;
		}
	}

	st->y -= 4;
	for (r = 0; r <= b->nrows; r++)
	{
		int			maxl = 1;
		int			done = 0;
		int		   *pos = palloc0(ncols * sizeof(int));

		for (c = 0; c < ncols; c++)
			maxl = Max(maxl, lines[r * ncols + c]);

		while (done < maxl)
		{
			double		avail;
			int			fit;
			double		top,
						h,
						x;
			bool		fresh = false;

			CHECK_FOR_INTERRUPTS();
			/* room for at least one line (and a header line above it) */
			if (st->y - (TABLE_LEAD + 2 * CELL_PAD) < MARGIN_BOTTOM ||
				(r > 0 && st->page_empty))
			{
				if (!st->page_empty)
					new_page(st);
				fresh = true;
			}
			if (fresh && r > 0)
			{
				/* repeat the header row on the new page */
				int		   *hpos = palloc0(ncols * sizeof(int));
				int			hl = 1;

				for (c = 0; c < ncols; c++)
					hl = Max(hl, lines[c]);
				h = hl * TABLE_LEAD + 2 * CELL_PAD;
				top = st->y + TABLE_SIZE;
				x = MARGIN_L;
				appendStringInfo(st->cur, "0.9 g %.2f %.2f %.2f %.2f re f\n",
								 MARGIN_L, top - h, BODY_W, h);
				for (c = 0; c < ncols; c++)
				{
					int			s,
								n,
								li = 0;

					while (wrap_next(FONT_BOLD, TABLE_SIZE, colw[c] - 2 * CELL_PAD,
									 w[c], wl[c], &hpos[c], &s, &n))
					{
						draw_text(st, x + CELL_PAD, top - CELL_PAD - TABLE_SIZE - li * TABLE_LEAD,
								  FONT_BOLD, TABLE_SIZE, 0.0, w[c] + s, n);
						li++;
					}
					appendStringInfo(st->cur, "0.5 G 0.5 w %.2f %.2f %.2f %.2f re S\n",
									 x, top - h, colw[c], h);
					x += colw[c];
				}
				st->y -= h;
				pfree(hpos);
			}
			avail = st->y + TABLE_SIZE - CELL_PAD * 2 - MARGIN_BOTTOM;
			fit = Max(1, Min(maxl - done, (int) (avail / TABLE_LEAD)));
			h = fit * TABLE_LEAD + 2 * CELL_PAD;
			top = st->y + TABLE_SIZE;
			x = MARGIN_L;
			if (r == 0)
				appendStringInfo(st->cur, "0.9 g %.2f %.2f %.2f %.2f re f\n",
								 MARGIN_L, top - h, BODY_W, h);
			for (c = 0; c < ncols; c++)
			{
				int			k = r * ncols + c;
				int			s,
							n,
							li;
				PdfFont		f = (r == 0) ? FONT_BOLD : FONT_REGULAR;

				for (li = 0; li < fit; li++)
				{
					if (!wrap_next(f, TABLE_SIZE, colw[c] - 2 * CELL_PAD,
								   w[k], wl[k], &pos[c], &s, &n))
						break;
					draw_text(st, x + CELL_PAD, top - CELL_PAD - TABLE_SIZE - li * TABLE_LEAD,
							  f, TABLE_SIZE, 0.0, w[k] + s, n);
				}
				WpDocReserve(st->cur, 80, PDF_WHAT);
				appendStringInfo(st->cur, "0.5 G 0.5 w %.2f %.2f %.2f %.2f re S\n",
								 x, top - h, colw[c], h);
				x += colw[c];
			}
			st->page_empty = false;
			st->y -= h;
			done += fit;
		}
		pfree(pos);
	}
	st->y -= BODY_LEAD * 0.6;
}

/*
 * render_block
 *		Lays out one block on the current page(s).
 */
static void
render_block(PdfState *st, const WpDocBlock *b, int *bullet_level)
{
	int			n;
	char	   *w;
	int			level;
	double		indent;

	if (b->kind != WP_DOC_BULLET)
		*bullet_level = 0;
	switch (b->kind)
	{
		case WP_DOC_HEADING:
			render_heading(st, b);
			break;
		case WP_DOC_PARAGRAPH:
			w = to_winansi(b->text, b->text_len, &n);
			need(st, BODY_LEAD);
			draw_wrapped(st, MARGIN_L, BODY_W, MARGIN_L, BODY_W, FONT_REGULAR,
						 BODY_SIZE, BODY_LEAD, 0.0, w, n);
			st->y -= BODY_LEAD * 0.4;
			pfree(w);
			break;
		case WP_DOC_NOTE:
			w = to_winansi(b->text, b->text_len, &n);
			need(st, BODY_LEAD);
			draw_wrapped(st, MARGIN_L, BODY_W, MARGIN_L, BODY_W, FONT_MONO,
						 9.5, 12.0, 0.35, w, n);
			st->y -= BODY_LEAD * 0.4;
			pfree(w);
			break;
		case WP_DOC_FIELD:
			{
				int			ln;
				char	   *lw = to_winansi(b->label, b->label_len, &ln);
				double		lwid;

				w = to_winansi(b->text, b->text_len, &n);
				for (int k = 0; k < ln; k++)
					if (lw[k] == '\n')
						lw[k] = ' ';
				lw = repalloc(lw, ln + 3);
				lw[ln++] = ':';
				lw[ln++] = ' ';
				lwid = Min(text_width(FONT_BOLD, BODY_SIZE, lw, ln), BODY_W / 2);
				need(st, BODY_LEAD);
				draw_text(st, MARGIN_L, st->y, FONT_BOLD, BODY_SIZE, 0.0, lw, ln);
				draw_wrapped(st, MARGIN_L + BULLET_INDENT, BODY_W - BULLET_INDENT,
							 MARGIN_L + lwid, BODY_W - lwid, FONT_REGULAR,
							 BODY_SIZE, BODY_LEAD, 0.0, w, n);
				st->y -= 2;
				pfree(w);
				pfree(lw);
			}
			break;
		case WP_DOC_BULLET:
			level = Min(b->level, *bullet_level + 1);
			*bullet_level = level;
			indent = BULLET_INDENT * level;
			w = to_winansi(b->text, b->text_len, &n);
			need(st, BODY_LEAD);
			/* 0x95 is the bullet of WinAnsiEncoding */
			draw_text(st, MARGIN_L + indent - 10, st->y, FONT_REGULAR, BODY_SIZE,
					  0.0, "\225", 1);
			draw_wrapped(st, MARGIN_L + indent, BODY_W - indent,
						 MARGIN_L + indent, BODY_W - indent, FONT_REGULAR,
						 BODY_SIZE, BODY_LEAD, 0.0, w, n);
			st->y -= 2;
			pfree(w);
			break;
		case WP_DOC_TABLE:
			render_table(st, b);
			break;
		case WP_DOC_PAGE_BREAK:
			if (!st->page_empty)
				new_page(st);
			break;
	}
}

/*
 * append_utf16_hex
 *		Appends s[0..len) (server encoding) as a PDF text string in UTF-16BE
 *		with a byte order mark, written as a hex string <FEFF...>.
 */
static void
append_utf16_hex(StringInfo out, const char *s, int len)
{
	int			ulen;
	const unsigned char *u = (const unsigned char *) to_utf8(s, len, &ulen);
	int			i = 0;

	WpDocReserve(out, (Size) ulen * 8 + 8, PDF_WHAT);
	appendStringInfoString(out, "<FEFF");
	while (i < ulen)
	{
		int			l = pg_utf_mblen(u + i);
		pg_wchar	cp;

		if (l < 1 || i + l > ulen)
			l = 1;
		cp = (l == 1) ? u[i] : utf8_to_unicode(u + i);
		if (cp == '\n' || cp == '\r' || cp == '\t')
			cp = ' ';
		if (cp >= 0x10000)
		{
			cp -= 0x10000;
			appendStringInfo(out, "%04X%04X", (unsigned) (0xD800 + (cp >> 10)),
							 (unsigned) (0xDC00 + (cp & 0x3FF)));
		}
		else
			appendStringInfo(out, "%04X", (unsigned) cp);
		i += l;
	}
	appendStringInfoChar(out, '>');
}

/* starts object number obj in out, recording its offset */
static void
begin_obj(StringInfo out, Size *offsets, int obj)
{
	offsets[obj] = out->len;
	appendStringInfo(out, "%d 0 obj\n", obj);
}

/*
 * WpPdfRender
 *		The whole document as a PDF file (a palloc'd bytea).  Raises 54000
 *		when the file would pass MaxAllocSize.
 *
 *		Objects: 1 catalog, 2 page tree, 3 outline root, 4-6 fonts, 7 /Info,
 *		then per page i (0-based) 8 + 2i the page and 9 + 2i its content,
 *		then one object per bookmark.
 */
bytea *
WpPdfRender(const WpDoc *doc)
{
	PdfState	st;
	StringInfoData out;
	Size	   *offsets;
	int			nobj;
	int			first_outline;
	int			i;
	int			bullet_level = 0;
	bytea	   *result;
	Size		xref;
	static const char *const base_fonts[3] = {"Helvetica", "Helvetica-Bold", "Courier"};

	memset(&st, 0, sizeof(st));
	st.maxpages = 16;
	st.pages = palloc(st.maxpages * sizeof(StringInfo));
	st.maxoutline = 16;
	st.outline = palloc(st.maxoutline * sizeof(PdfOutline));
	new_page(&st);

	for (i = 0; i < doc->nblocks; i++)
	{
		CHECK_FOR_INTERRUPTS();
		render_block(&st, &doc->blocks[i], &bullet_level);
	}
	st.total += st.cur->len;

	/* footers: "n / N" */
	for (i = 0; i < st.npages; i++)
	{
		char		num[64];
		int			len = snprintf(num, sizeof(num), "%d / %d", i + 1, st.npages);
		double		x = (PAGE_W - text_width(FONT_REGULAR, 9.0, num, len)) / 2;

		st.cur = st.pages[i];
		draw_text(&st, x, FOOTER_Y, FONT_REGULAR, 9.0, 0.4, num, len);
	}

	first_outline = 8 + 2 * st.npages;
	nobj = first_outline + st.noutline;
	offsets = palloc0(nobj * sizeof(Size));

	initStringInfo(&out);
	WpDocReserve(&out, add_size(st.total, mul_size(nobj, 256)), PDF_WHAT);
	enlargeStringInfo(&out, (int) (st.total + (Size) nobj * 160));

	/* header; the binary comment marks the file as binary for transports */
	appendStringInfoString(&out, "%PDF-1.4\n%\342\343\317\323\n");

	begin_obj(&out, offsets, 1);
	if (st.noutline > 0)
		appendStringInfoString(&out, "<< /Type /Catalog /Pages 2 0 R /Outlines 3 0 R /PageMode /UseOutlines >>\nendobj\n");
	else
		appendStringInfoString(&out, "<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");

	begin_obj(&out, offsets, 2);
	appendStringInfoString(&out, "<< /Type /Pages /Kids [");
	for (i = 0; i < st.npages; i++)
	{
		WpDocReserve(&out, 16, PDF_WHAT);
		appendStringInfo(&out, "%s%d 0 R", i ? " " : "", 8 + 2 * i);
	}
	appendStringInfo(&out, "] /Count %d >>\nendobj\n", st.npages);

	begin_obj(&out, offsets, 3);
	if (st.noutline > 0)
		appendStringInfo(&out, "<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>\nendobj\n",
						 first_outline, first_outline + st.noutline - 1, st.noutline);
	else
		appendStringInfoString(&out, "<< /Type /Outlines /Count 0 >>\nendobj\n");

	for (i = 0; i < 3; i++)
	{
		begin_obj(&out, offsets, 4 + i);
		appendStringInfo(&out, "<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>\nendobj\n",
						 base_fonts[i]);
	}

	begin_obj(&out, offsets, 7);
	appendStringInfoString(&out, "<< /Title ");
	append_utf16_hex(&out, doc->title, strlen(doc->title));
	appendStringInfoString(&out, " /Producer (workshoppilot) >>\nendobj\n");

	for (i = 0; i < st.npages; i++)
	{
		StringInfo	page = st.pages[i];

		CHECK_FOR_INTERRUPTS();
		WpDocReserve(&out, (Size) page->len + 512, PDF_WHAT);
		begin_obj(&out, offsets, 8 + 2 * i);
		appendStringInfo(&out,
						 "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d]"
						 " /Resources << /Font << /F1 4 0 R /F2 5 0 R /F3 6 0 R >> >>"
						 " /Contents %d 0 R >>\nendobj\n",
						 PAGE_W, PAGE_H, 9 + 2 * i);
		begin_obj(&out, offsets, 9 + 2 * i);
		appendStringInfo(&out, "<< /Length %d >>\nstream\n", page->len);
		appendBinaryStringInfo(&out, page->data, page->len);
		appendStringInfoString(&out, "\nendstream\nendobj\n");
		pfree(page->data);
	}

	for (i = 0; i < st.noutline; i++)
	{
		PdfOutline *o = &st.outline[i];
		int			obj = first_outline + i;

		begin_obj(&out, offsets, obj);
		appendStringInfoString(&out, "<< /Title ");
		append_utf16_hex(&out, o->title, o->title_len);
		appendStringInfoString(&out, " /Parent 3 0 R");
		if (i > 0)
			appendStringInfo(&out, " /Prev %d 0 R", obj - 1);
		if (i + 1 < st.noutline)
			appendStringInfo(&out, " /Next %d 0 R", obj + 1);
		appendStringInfo(&out, " /Dest [%d 0 R /XYZ 0 %.2f null] >>\nendobj\n",
						 8 + 2 * o->page, Min(o->y, (double) PAGE_H));
	}

	/* cross-reference table: 20-byte entries */
	xref = out.len;
	WpDocReserve(&out, (Size) nobj * 20 + 256, PDF_WHAT);
	appendStringInfo(&out, "xref\n0 %d\n0000000000 65535 f \n", nobj);
	for (i = 1; i < nobj; i++)
		appendStringInfo(&out, "%010lu 00000 n \n", (unsigned long) offsets[i]);
	appendStringInfo(&out, "trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\nstartxref\n%lu\n%%%%EOF\n",
					 nobj, (unsigned long) xref);

	WpDocReserve(&out, VARHDRSZ, PDF_WHAT);
	result = (bytea *) palloc(out.len + VARHDRSZ);
	SET_VARSIZE(result, out.len + VARHDRSZ);
	memcpy(VARDATA(result), out.data, out.len);
	pfree(out.data);
	return result;
}
