/*
 * src/jsonschema_format.c
 *
 * JSON Schema "format" assertion checks (draft 2020-12 format-assertion
 * vocabulary): date-time, date, time, duration (RFC 3339 and its appendix
 * A), email and idn-email (RFC 5321 / 6531 addr-spec), hostname and
 * idn-hostname (RFC 1123 and IDNA2008: RFC 5890-5893, with Punycode, the
 * derived code point classes, contextual rules and the Bidi rule), ipv4,
 * ipv6, uri, uri-reference, iri, iri-reference (RFC 3986 / 3987),
 * uri-template (RFC 6570), uuid, json-pointer, relative-json-pointer and
 * regex (ECMA-262, through our own translator).
 *
 * Each check is a small hand-written parser over the UTF-8 bytes; nothing
 * depends on the locale.  Formats we do not know (for example Zod's
 * "cuid2" or "emoji") are annotations only: WpFormatIsKnown says false and
 * WpFormatCheck says true.  No state, no allocation beyond a few palloc'd
 * buffers in the current context.
 */
#include "postgres.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/memutils.h"

#include "workshoppilot.h"
#include "jsonschema_regex.h"

typedef const unsigned char *ustr;

/* ---------------------------------------------------------------------
 * Small helpers
 * ---------------------------------------------------------------------
 */

/* is_digit, is_alpha, is_hex: ASCII character classes, locale-free. */
static inline bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool
is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * digits_value
 *		Value of exactly n ASCII digits at s, or -1 if they are not digits.
 */
static int
digits_value(ustr s, int n)
{
	int			v = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * decode_utf8
 *		Decode UTF-8 bytes into code points (palloc'd, *n of them).
 *		Returns false on an invalid sequence.
 */
static bool
decode_utf8(ustr s, int len, pg_wchar **out, int *n)
{
	pg_wchar   *w = palloc((len + 1) * sizeof(pg_wchar));
	int			i = 0,
				k = 0;

	while (i < len)
	{
		int			l = pg_utf_mblen(s + i);

		if (l > len - i || !pg_utf8_islegal(s + i, l))
		{
			pfree(w);
			return false;
		}
		w[k++] = utf8_to_unicode(s + i);
		i += l;
	}
	*out = w;
	*n = k;
	return true;
}

/* ---------------------------------------------------------------------
 * Dates and times (RFC 3339 section 5.6, appendix A)
 * ---------------------------------------------------------------------
 */

/*
 * check_date
 *		full-date = date-fullyear "-" date-month "-" date-mday, with the
 *		day valid for the month (Gregorian leap years).
 */
static bool
check_date(ustr s, int len)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			y,
				m,
				d,
				max;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return false;
	y = digits_value(s, 4);
	m = digits_value(s + 5, 2);
	d = digits_value(s + 8, 2);
	if (y < 0 || m < 1 || m > 12 || d < 1)
		return false;
	max = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return d <= max;
}

/*
 * check_time
 *		full-time = partial-time time-offset; time-offset is "Z" / "z" or
 *		("+" / "-") HH ":" MM.  Second 60 (a leap second) is allowed only at
 *		23:59 UTC, i.e. after removing the offset.
 */
static bool
check_time(ustr s, int len)
{
	int			hh,
				mm,
				ss,
				i,
				oh = 0,
				om = 0,
				sign = 0;

	if (len < 9 || s[2] != ':' || s[5] != ':')
		return false;
	hh = digits_value(s, 2);
	mm = digits_value(s + 3, 2);
	ss = digits_value(s + 6, 2);
	if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
		return false;
	i = 8;
	if (s[i] == '.')
	{
		i++;
		if (i >= len || !is_digit(s[i]))
			return false;
		while (i < len && is_digit(s[i]))
			i++;
	}
	if (i >= len)
		return false;
	if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == len)
		sign = 0;
	else if ((s[i] == '+' || s[i] == '-') && len - i == 6 && s[i + 3] == ':')
	{
		sign = (s[i] == '+') ? 1 : -1;
		oh = digits_value(s + i + 1, 2);
		om = digits_value(s + i + 4, 2);
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return false;
	}
	else
		return false;
	if (ss == 60)
	{
		int			utc = hh * 60 + mm - sign * (oh * 60 + om);

		utc = ((utc % 1440) + 1440) % 1440;
		if (utc != 23 * 60 + 59)
			return false;
	}
	return true;
}

/*
 * check_date_time
 *		date-time = full-date "T" full-time ("T" and "Z" in either case).
 */
static bool
check_date_time(ustr s, int len)
{
	if (len < 11 || (s[10] != 'T' && s[10] != 't'))
		return false;
	return check_date(s, 10) && check_time(s + 11, len - 11);
}

/*
 * check_duration
 *		RFC 3339 appendix A: "P" (dur-date [dur-time] / dur-time / dur-week)
 *		where the date units run Y [M [D]] / M [D] / D and the time units
 *		H [M [S]] / M [S] / S, each a number of ASCII digits and a unit.
 */
static bool
check_duration(ustr s, int len)
{
	char		date_units[8];
	char		time_units[8];
	int			nd = 0,
				nt = 0;
	bool		in_time = false;
	int			i;

	if (len < 2 || s[0] != 'P')
		return false;
	i = 1;
	while (i < len)
	{
		int			start = i;

		if (s[i] == 'T')
		{
			if (in_time)
				return false;
			in_time = true;
			i++;
			continue;
		}
		while (i < len && is_digit(s[i]))
			i++;
		if (i == start || i >= len)
			return false;
		if (in_time)
		{
			if (nt >= 3 || !strchr("HMS", s[i]))
				return false;
			time_units[nt++] = (char) s[i];
		}
		else
		{
			if (nd >= 3 || !strchr("YMDW", s[i]))
				return false;
			date_units[nd++] = (char) s[i];
		}
		i++;
	}
	date_units[nd] = '\0';
	time_units[nt] = '\0';
	if (in_time && nt == 0)
		return false;
	if (nd == 0 && nt == 0)
		return false;
	if (strcmp(date_units, "W") == 0)
		return !in_time;
	if (nd > 0 && strstr("YMD", date_units) == NULL)
		return false;
	if (strcmp(date_units, "YD") == 0)
		return false;
	if (nt > 0 && strstr("HMS", time_units) == NULL)
		return false;
	if (strcmp(time_units, "HS") == 0)
		return false;
	return true;
}

/* ---------------------------------------------------------------------
 * IP addresses
 * ---------------------------------------------------------------------
 */

/*
 * check_ipv4
 *		dotted-quad of decimal octets 0-255 without leading zeros.
 */
static bool
check_ipv4(ustr s, int len)
{
	int			part = 0;
	int			i = 0;

	while (part < 4)
	{
		int			start = i;
		int			v = 0;

		while (i < len && is_digit(s[i]) && i - start < 3)
			v = v * 10 + (s[i++] - '0');
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return false;
		part++;
		if (part < 4)
		{
			if (i >= len || s[i] != '.')
				return false;
			i++;
		}
	}
	return i == len;
}

/*
 * check_ipv6
 *		RFC 4291 section 2.2 text forms: eight groups of 1-4 hex digits,
 *		at most one "::" standing for one or more zero groups, and an
 *		optional trailing dotted-quad counting as two groups.  No zone index
 *		or prefix length.
 */
static bool
check_ipv6(ustr s, int len)
{
	int			groups = 0;
	bool		compressed = false;
	int			i = 0;

	if (len >= 2 && s[0] == ':' && s[1] == ':')
	{
		compressed = true;
		i = 2;
		if (i == len)
			return true;
	}
	else if (len == 0 || s[0] == ':')
		return false;

	for (;;)
	{
		int			start = i;
		int			j;

		/* an embedded IPv4 address ends the address */
		for (j = i; j < len && s[j] != ':'; j++)
			if (s[j] == '.')
			{
				if (!check_ipv4(s + i, len - i))
					return false;
				groups += 2;
				return compressed ? groups <= 6 : groups == 8;
			}
		while (i < len && is_hex(s[i]) && i - start < 4)
			i++;
		if (i == start)
			return false;
		groups++;
		if (i == len)
			break;
		if (s[i] != ':')
			return false;
		i++;
		if (i < len && s[i] == ':')
		{
			if (compressed)
				return false;
			compressed = true;
			i++;
			if (i == len)
				break;
		}
		else if (i == len)
			return false;		/* trailing single colon */
	}
	return compressed ? groups <= 7 : groups == 8;
}

/* ---------------------------------------------------------------------
 * Hostnames (RFC 1123) and IDNA2008 (RFC 5890-5893)
 * ---------------------------------------------------------------------
 */

/*
 * in_prop
 *		Whether code point c is in the generated property key ("gc=M",
 *		"idna=PVALID", "bc=R", ...); a missing key is a bug (internal error).
 */
static bool
in_prop(const char *key, pg_wchar c)
{
	const uint32 *r;
	int			n;
	int			lo = 0,
				hi;

	if (!WpUnicodeLookupProperty(key, strlen(key), &r, &n))
		elog(ERROR, "unicode property table \"%s\" missing", key);
	hi = n - 1;
	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;

		if (c < r[2 * mid])
			hi = mid - 1;
		else if (c > r[2 * mid + 1])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

#define PUNY_BASE 36
#define PUNY_TMIN 1
#define PUNY_TMAX 26
#define PUNY_SKEW 38
#define PUNY_DAMP 700
#define PUNY_INITIAL_BIAS 72
#define PUNY_INITIAL_N 128
#define MAX_LABEL_CPS 64

/* puny_adapt: RFC 3492 section 6.1 bias adaptation. */
static int
puny_adapt(int delta, int numpoints, bool firsttime)
{
	int			k = 0;

	delta = firsttime ? delta / PUNY_DAMP : delta / 2;
	delta += delta / numpoints;
	while (delta > ((PUNY_BASE - PUNY_TMIN) * PUNY_TMAX) / 2)
	{
		delta /= PUNY_BASE - PUNY_TMIN;
		k += PUNY_BASE;
	}
	return k + (PUNY_BASE - PUNY_TMIN + 1) * delta / (delta + PUNY_SKEW);
}

/* puny_digit: value of a Punycode digit (either case), -1 if invalid. */
static int
puny_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0' + 26;
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	return -1;
}

/* puny_encode_digit: the lower-case Punycode digit for 0..35. */
static char
puny_encode_digit(int d)
{
	return d < 26 ? 'a' + d : '0' + d - 26;
}

/*
 * puny_decode
 *		RFC 3492 decoding of an ASCII Punycode string (without "xn--") into
 *		at most MAX_LABEL_CPS code points.  Returns false if it is invalid.
 */
static bool
puny_decode(ustr s, int len, pg_wchar *out, int *outlen)
{
	int			n = PUNY_INITIAL_N;
	int			bias = PUNY_INITIAL_BIAS;
	int64		i = 0;
	int			b = 0,
				j,
				k = 0;
	int			in;

	for (j = 0; j < len; j++)
		if (s[j] == '-')
			b = j;
	if (b > MAX_LABEL_CPS)
		return false;
	for (j = 0; j < b; j++)
	{
		if (s[j] >= 0x80)
			return false;
		out[k++] = s[j];
	}
	for (in = (b > 0) ? b + 1 : 0; in < len;)
	{
		int64		oldi = i;
		int64		w = 1;
		int			kk;

		for (kk = PUNY_BASE;; kk += PUNY_BASE)
		{
			int			digit,
						t;

			if (in >= len)
				return false;
			digit = puny_digit(s[in++]);
			if (digit < 0)
				return false;
			i += digit * w;
			if (i > PG_INT32_MAX)
				return false;
			t = kk <= bias ? PUNY_TMIN : (kk >= bias + PUNY_TMAX ? PUNY_TMAX : kk - bias);
			if (digit < t)
				break;
			w *= PUNY_BASE - t;
			if (w > PG_INT32_MAX)
				return false;
		}
		bias = puny_adapt((int) (i - oldi), k + 1, oldi == 0);
		n += (int) (i / (k + 1));
		i %= (k + 1);
		if (n > 0x10FFFF || k >= MAX_LABEL_CPS)
			return false;
		memmove(out + i + 1, out + i, (k - i) * sizeof(pg_wchar));
		out[i++] = n;
		k++;
	}
	*outlen = k;
	return true;
}

/*
 * puny_encode
 *		RFC 3492 encoding of code points into buf (ASCII, NUL-terminated,
 *		at most bufsize - 1 characters).  Returns the length, or -1 if it
 *		does not fit.
 */
static int
puny_encode(const pg_wchar *in, int inlen, char *buf, int bufsize)
{
	int			n = PUNY_INITIAL_N;
	int			bias = PUNY_INITIAL_BIAS;
	int64		delta = 0;
	int			h,
				b = 0,
				j,
				out = 0;

	for (j = 0; j < inlen; j++)
		if (in[j] < 0x80)
		{
			if (out >= bufsize - 1)
				return -1;
			buf[out++] = (char) in[j];
			b++;
		}
	h = b;
	if (b > 0)
	{
		if (out >= bufsize - 1)
			return -1;
		buf[out++] = '-';
	}
	while (h < inlen)
	{
		pg_wchar	m = 0x7FFFFFFF;

		for (j = 0; j < inlen; j++)
			if (in[j] >= (pg_wchar) n && in[j] < m)
				m = in[j];
		delta += (int64) (m - n) * (h + 1);
		n = m;
		for (j = 0; j < inlen; j++)
		{
			if (in[j] < (pg_wchar) n)
				delta++;
			if (in[j] == (pg_wchar) n)
			{
				int64		q = delta;
				int			k;

				for (k = PUNY_BASE;; k += PUNY_BASE)
				{
					int			t = k <= bias ? PUNY_TMIN : (k >= bias + PUNY_TMAX ? PUNY_TMAX : k - bias);

					if (q < t)
						break;
					if (out >= bufsize - 1)
						return -1;
					buf[out++] = puny_encode_digit(t + (q - t) % (PUNY_BASE - t));
					q = (q - t) / (PUNY_BASE - t);
				}
				if (out >= bufsize - 1)
					return -1;
				buf[out++] = puny_encode_digit((int) q);
				bias = puny_adapt((int) delta, h + 1, h == b);
				delta = 0;
				h++;
			}
		}
		delta++;
		n++;
	}
	buf[out] = '\0';
	return out;
}

/*
 * check_ulabel
 *		RFC 5891 section 5.4 / RFC 5892 / RFC 5893 validity of a label given
 *		as code points (a U-label, or a decoded A-label): every code point
 *		PVALID or satisfying its CONTEXTJ/CONTEXTO rule, no "--" in the third
 *		and fourth positions, no leading or trailing hyphen, no leading
 *		combining mark, and the Bidi rule when the domain name is a Bidi
 *		domain name (bidi_domain).
 */
static bool
check_ulabel(const pg_wchar *c, int n, bool bidi_domain)
{
	int			i;
	bool		arabic_indic = false,
				ext_arabic_indic = false;

	if (n == 0)
		return false;
	if (c[0] == '-' || c[n - 1] == '-')
		return false;
	if (n >= 4 && c[2] == '-' && c[3] == '-')
		return false;
	if (in_prop("gc=M", c[0]))
		return false;
	for (i = 0; i < n; i++)
	{
		if (c[i] >= 0x0660 && c[i] <= 0x0669)
			arabic_indic = true;
		if (c[i] >= 0x06F0 && c[i] <= 0x06F9)
			ext_arabic_indic = true;
	}
	for (i = 0; i < n; i++)
	{
		pg_wchar	x = c[i];

		if (in_prop("idna=PVALID", x))
			continue;
		if (x == 0x200C)
		{
			/* ZERO WIDTH NON-JOINER: after a virama, or between joiners */
			int			j;
			bool		ok = false;

			if (i > 0 && in_prop("ccc=Virama", c[i - 1]))
				continue;
			for (j = i - 1; j >= 0 && in_prop("jt=T", c[j]); j--)
				;
			if (j >= 0 && (in_prop("jt=L", c[j]) || in_prop("jt=D", c[j])))
			{
				for (j = i + 1; j < n && in_prop("jt=T", c[j]); j++)
					;
				ok = j < n && (in_prop("jt=R", c[j]) || in_prop("jt=D", c[j]));
			}
			if (!ok)
				return false;
		}
		else if (x == 0x200D)
		{
			/* ZERO WIDTH JOINER: only after a virama */
			if (!(i > 0 && in_prop("ccc=Virama", c[i - 1])))
				return false;
		}
		else if (x == 0x00B7)
		{
			/* MIDDLE DOT: between two 'l' (Catalan) */
			if (!(i > 0 && i < n - 1 && c[i - 1] == 'l' && c[i + 1] == 'l'))
				return false;
		}
		else if (x == 0x0375)
		{
			/* GREEK LOWER NUMERAL SIGN (KERAIA): followed by Greek */
			if (!(i < n - 1 && in_prop("sc=Grek", c[i + 1])))
				return false;
		}
		else if (x == 0x05F3 || x == 0x05F4)
		{
			/* HEBREW GERESH / GERSHAYIM: preceded by Hebrew */
			if (!(i > 0 && in_prop("sc=Hebr", c[i - 1])))
				return false;
		}
		else if (x == 0x30FB)
		{
			/* KATAKANA MIDDLE DOT: label has Hiragana, Katakana or Han */
			int			j;
			bool		ok = false;

			for (j = 0; j < n && !ok; j++)
				ok = c[j] != 0x30FB &&
					(in_prop("sc=Hira", c[j]) || in_prop("sc=Kana", c[j]) ||
					 in_prop("sc=Hani", c[j]));
			if (!ok)
				return false;
		}
		else if (x >= 0x0660 && x <= 0x0669)
		{
			if (ext_arabic_indic)
				return false;
		}
		else if (x >= 0x06F0 && x <= 0x06F9)
		{
			if (arabic_indic)
				return false;
		}
		else
			return false;		/* DISALLOWED or UNASSIGNED */
	}

	if (bidi_domain)
	{
		/* RFC 5893 section 2, the Bidi rule */
		bool		rtl;
		int			last;
		bool		has_en = false,
					has_an = false;

		if (in_prop("bc=R", c[0]) || in_prop("bc=AL", c[0]))
			rtl = true;
		else if (in_prop("bc=L", c[0]))
			rtl = false;
		else
			return false;
		for (last = n - 1; last > 0 && in_prop("bc=NSM", c[last]); last--)
			;
		for (i = 0; i < n; i++)
		{
			pg_wchar	x = c[i];

			if (rtl)
			{
				if (!(in_prop("bc=R", x) || in_prop("bc=AL", x) ||
					  in_prop("bc=AN", x) || in_prop("bc=EN", x) ||
					  in_prop("bc=ES", x) || in_prop("bc=CS", x) ||
					  in_prop("bc=ET", x) || in_prop("bc=ON", x) ||
					  in_prop("bc=BN", x) || in_prop("bc=NSM", x)))
					return false;
				if (in_prop("bc=EN", x))
					has_en = true;
				if (in_prop("bc=AN", x))
					has_an = true;
			}
			else if (!(in_prop("bc=L", x) || in_prop("bc=EN", x) ||
					   in_prop("bc=ES", x) || in_prop("bc=CS", x) ||
					   in_prop("bc=ET", x) || in_prop("bc=ON", x) ||
					   in_prop("bc=BN", x) || in_prop("bc=NSM", x)))
				return false;
		}
		if (rtl)
		{
			if (!(in_prop("bc=R", c[last]) || in_prop("bc=AL", c[last]) ||
				  in_prop("bc=EN", c[last]) || in_prop("bc=AN", c[last])))
				return false;
			if (has_en && has_an)
				return false;
		}
		else if (!(in_prop("bc=L", c[last]) || in_prop("bc=EN", c[last])))
			return false;
	}
	return true;
}

/* is code point c a right-to-left character (Bidi class R, AL or AN)? */
static bool
is_rtl(pg_wchar c)
{
	return in_prop("bc=R", c) || in_prop("bc=AL", c) || in_prop("bc=AN", c);
}

/*
 * visit_ulabel
 *		One U-label (code points) in the two passes of check_hostname_cps:
 *		pass 0 only notes in *bidi_domain whether it holds a right-to-left
 *		character; pass 1 checks it with check_ulabel, knowing whether the
 *		domain is a bidi domain.  Returns false when pass 1 rejects it.
 */
static bool
visit_ulabel(const pg_wchar *label, int llen, int pass, bool *bidi_domain)
{
	int			i;

	if (pass == 1)
		return check_ulabel(label, llen, *bidi_domain);
	for (i = 0; i < llen; i++)
		if (is_rtl(label[i]))
			*bidi_domain = true;
	return true;
}

/*
 * check_hostname_cps
 *		Hostname check over code points.  idn allows U-labels and the label
 *		separators U+3002, U+FF0E and U+FF61; without idn only LDH labels and
 *		valid A-labels ("xn--") are accepted.  The whole name is at most 253
 *		octets in its ASCII (A-label) form, each label 1-63 octets.
 */
static bool
check_hostname_cps(const pg_wchar *c, int n, bool idn)
{
	int			start = 0;
	int			total = 0;
	bool		bidi_domain = false;
	int			pass;

	if (n == 0)
		return false;

	/* pass 0 finds whether this is a Bidi domain name; pass 1 checks */
	for (pass = 0; pass < 2; pass++)
	{
		start = 0;
		total = 0;
		while (start <= n)
		{
			int			end = start;
			bool		ascii = true;
			pg_wchar	label[MAX_LABEL_CPS + 1];
			int			llen = 0;
			int			i;
			int			octets;

			while (end < n && !(c[end] == '.' ||
								(idn && (c[end] == 0x3002 || c[end] == 0xFF0E ||
										 c[end] == 0xFF61))))
			{
				if (c[end] >= 0x80)
					ascii = false;
				end++;
			}
			if (end == start)
				return false;	/* empty label, leading or trailing dot */
			if (ascii)
			{
				octets = end - start;
				if (octets > 63)
					return false;
				for (i = start; i < end; i++)
					if (!(is_alpha(c[i]) || is_digit(c[i]) || c[i] == '-'))
						return false;
				if (c[start] == '-' || c[end - 1] == '-')
					return false;
				if (octets >= 4 && c[start + 2] == '-' && c[start + 3] == '-')
				{
					unsigned char ace[64];
					char		re[80];
					bool		nonascii = false;

					/* must be a valid A-label */
					if (!((c[start] == 'x' || c[start] == 'X') &&
						  (c[start + 1] == 'n' || c[start + 1] == 'N')))
						return false;
					for (i = start + 4; i < end; i++)
						ace[i - start - 4] = (unsigned char) c[i];
					if (!puny_decode(ace, octets - 4, label, &llen))
						return false;
					for (i = 0; i < llen; i++)
						if (label[i] >= 0x80)
							nonascii = true;
					if (!nonascii)
						return false;
					/* canonical: re-encoding gives the same string */
					if (puny_encode(label, llen, re, sizeof(re)) != octets - 4 ||
						pg_strncasecmp(re, (char *) ace, octets - 4) != 0)
						return false;
					if (!visit_ulabel(label, llen, pass, &bidi_domain))
						return false;
				}
				else if (pass == 1 && bidi_domain)
				{
					for (i = start; i < end; i++)
						label[i - start] = c[i];
					if (!check_ulabel(label, end - start, true))
						return false;
				}
			}
			else
			{
				char		re[80];

				if (!idn || end - start > MAX_LABEL_CPS)
					return false;
				for (i = start; i < end; i++)
					label[i - start] = c[i];
				llen = end - start;
				octets = puny_encode(label, llen, re, sizeof(re));
				if (octets < 0 || octets + 4 > 63)
					return false;
				octets += 4;
				if (!visit_ulabel(label, llen, pass, &bidi_domain))
					return false;
			}
			total += octets + 1;
			start = end + 1;
			if (end == n)
				break;
			if (start == n)
				return false;	/* trailing dot */
		}
		if (total - 1 > 253)
			return false;
	}
	return true;
}

/*
 * check_hostname
 *		hostname / idn-hostname over UTF-8 bytes.
 */
static bool
check_hostname(ustr s, int len, bool idn)
{
	pg_wchar   *c;
	int			n;
	bool		ok;

	if (len == 0 || len > 1024)
		return false;
	if (!decode_utf8(s, len, &c, &n))
		return false;
	ok = check_hostname_cps(c, n, idn);
	pfree(c);
	return ok;
}

/* ---------------------------------------------------------------------
 * E-mail addresses (RFC 5321 section 4.1.2, RFC 6531 for idn-email)
 * ---------------------------------------------------------------------
 */

/* is_atext: RFC 5322 atext, plus any non-ASCII byte for idn-email. */
static inline bool
is_atext(unsigned char c, bool idn)
{
	return is_alpha(c) || is_digit(c) || strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL ||
		(idn && c >= 0x80);
}

/*
 * check_email
 *		Local-part "@" ( Domain / address-literal ); the local part is a
 *		dot-string of atext atoms or a quoted string (qtextSMTP and
 *		quoted-pairs), at most 64 octets; the domain a hostname (an IDN
 *		hostname for idn-email, which also allows non-ASCII local parts),
 *		or [IPv4] or [IPv6:...].
 */
static bool
check_email(ustr s, int len, bool idn)
{
	int			i = 0;

	if (len > 0 && s[0] == '"')
	{
		i = 1;
		for (;;)
		{
			if (i >= len)
				return false;
			if (s[i] == '"')
				break;
			if (s[i] == '\\')
			{
				i++;
				if (i >= len || !((s[i] >= 32 && s[i] <= 126) || (idn && s[i] >= 0x80)))
					return false;
			}
			else if (!((s[i] >= 32 && s[i] <= 126) || (idn && s[i] >= 0x80)))
				return false;
			i++;
		}
		i++;
	}
	else
	{
		bool		atom = false;

		while (i < len && s[i] != '@')
		{
			if (s[i] == '.')
			{
				if (!atom)
					return false;
				atom = false;
			}
			else if (is_atext(s[i], idn))
				atom = true;
			else
				return false;
			i++;
		}
		if (!atom)
			return false;
	}
	if (i > 64 || i >= len || s[i] != '@')
		return false;
	s += i + 1;
	len -= i + 1;
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']')
	{
		if (len > 7 && strncmp((const char *) s + 1, "IPv6:", 5) == 0)
			return check_ipv6(s + 6, len - 7);
		return check_ipv4(s + 1, len - 2);
	}
	if (idn)
	{
		/* RFC 6531 domains: U-labels are not checked for NFC here */
		pg_wchar   *c;
		int			n,
					k;
		bool		ok;

		if (!decode_utf8(s, len, &c, &n))
			return false;
		for (k = 0; k < n; k++)
			if (c[k] >= 0x80)
				break;
		ok = (k == n) ? check_hostname_cps(c, n, false) : true;
		if (k < n)
		{
			int			start = 0;

			/* labels of letters, digits, hyphens and non-ASCII */
			for (k = 0; k <= n && ok; k++)
			{
				if (k == n || c[k] == '.')
				{
					if (k == start || c[start] == '-' || c[k - 1] == '-')
						ok = false;
					start = k + 1;
				}
				else if (c[k] < 0x80 && !(is_alpha(c[k]) || is_digit(c[k]) || c[k] == '-'))
					ok = false;
			}
		}
		pfree(c);
		return ok;
	}
	return check_hostname(s, len, false);
}

/* ---------------------------------------------------------------------
 * URIs and IRIs (RFC 3986, RFC 3987)
 * ---------------------------------------------------------------------
 */

/*
 * is_ucschar
 *		RFC 3987 ucschar (iprivate too when private is set), from a decoded
 *		code point.
 */
static bool
is_ucschar(pg_wchar c, bool private)
{
	if ((c >= 0xA0 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDCF) ||
		(c >= 0xFDF0 && c <= 0xFFEF))
		return true;
	if (c >= 0x10000 && c <= 0xEFFFD && (c & 0xFFFF) <= 0xFFFD)
		return true;
	if (private && ((c >= 0xE000 && c <= 0xF8FF) ||
					(c >= 0xF0000 && c <= 0xFFFFD) || (c >= 0x100000 && c <= 0x10FFFD)))
		return true;
	return false;
}

typedef struct UriParser
{
	ustr		s;
	int			len;
	int			pos;
	bool		iri;
} UriParser;

/*
 * uri_char
 *		Consume one character of the class allowed at this place: unreserved
 *		(plus ucschar for IRIs), pct-encoded, sub-delims, and the ASCII
 *		characters in extra.  Returns false (consuming nothing) otherwise.
 */
static bool
uri_char(UriParser *p, const char *extra, bool private)
{
	unsigned char c;

	if (p->pos >= p->len)
		return false;
	c = p->s[p->pos];
	if (c >= 0x80)
	{
		int			l = pg_utf_mblen(p->s + p->pos);

		if (!p->iri || l > p->len - p->pos || !pg_utf8_islegal(p->s + p->pos, l) ||
			!is_ucschar(utf8_to_unicode(p->s + p->pos), private))
			return false;
		p->pos += l;
		return true;
	}
	if (c == '%')
	{
		if (p->pos + 2 < p->len + 0 && is_hex(p->s[p->pos + 1]) && is_hex(p->s[p->pos + 2]))
		{
			p->pos += 3;
			return true;
		}
		return false;
	}
	if (is_alpha(c) || is_digit(c) || strchr("-._~!$&'()*+,;=", c) || (extra && strchr(extra, c)))
	{
		p->pos++;
		return true;
	}
	return false;
}

/*
 * uri_authority
 *		authority = [ userinfo "@" ] host [ ":" port ], ending at "/", "?",
 *		"#" or the end.
 */
static bool
uri_authority(UriParser *p)
{
	int			end = p->pos;
	int			at = -1;
	int			i;
	UriParser	q;

	while (end < p->len && p->s[end] != '/' && p->s[end] != '?' && p->s[end] != '#')
	{
		if (p->s[end] == '@')
		{
			if (at >= 0)
				return false;
			at = end;
		}
		end++;
	}
	q = *p;
	q.len = end;
	if (at >= 0)
	{
		q.len = at;
		while (q.pos < at)
			if (!uri_char(&q, ":", false))
				return false;
		q.pos = at + 1;
		q.len = end;
	}
	if (q.pos < end && p->s[q.pos] == '[')
	{
		int			close = q.pos;

		while (close < end && p->s[close] != ']')
			close++;
		if (close >= end)
			return false;
		if (q.pos + 1 < close && (p->s[q.pos + 1] == 'v' || p->s[q.pos + 1] == 'V'))
		{
			/* IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ) */
			int			j = q.pos + 2,
						k;

			k = j;
			while (j < close && is_hex(p->s[j]))
				j++;
			if (j == k || j >= close || p->s[j] != '.' || j + 1 >= close)
				return false;
			for (j++; j < close; j++)
				if (!(is_alpha(p->s[j]) || is_digit(p->s[j]) ||
					  strchr("-._~!$&'()*+,;=:", p->s[j])))
					return false;
		}
		else if (!check_ipv6(p->s + q.pos + 1, close - q.pos - 1))
			return false;
		q.pos = close + 1;
	}
	else
	{
		while (q.pos < end && p->s[q.pos] != ':')
			if (!uri_char(&q, NULL, false))
				return false;
	}
	if (q.pos < end)
	{
		if (p->s[q.pos] != ':')
			return false;
		for (i = q.pos + 1; i < end; i++)
			if (!is_digit(p->s[i]))
				return false;
	}
	p->pos = end;
	return true;
}

/*
 * check_uri
 *		URI (require_scheme) or URI-reference, RFC 3986 section 3/4.1; IRI
 *		variants (RFC 3987) when iri.
 */
static bool
check_uri(ustr s, int len, bool iri, bool require_scheme)
{
	UriParser	p;
	int			i;
	bool		scheme = false;

	p.s = s;
	p.len = len;
	p.pos = 0;
	p.iri = iri;

	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
	if (len > 0 && is_alpha(s[0]))
	{
		for (i = 1; i < len && (is_alpha(s[i]) || is_digit(s[i]) || strchr("+-.", s[i])); i++)
			;
		if (i < len && s[i] == ':')
		{
			scheme = true;
			p.pos = i + 1;
		}
	}
	if (require_scheme && !scheme)
		return false;

	if (p.pos + 1 < len && s[p.pos] == '/' && s[p.pos + 1] == '/')
	{
		p.pos += 2;
		if (!uri_authority(&p))
			return false;
	}
	else if (!scheme)
	{
		/* path-noscheme: no ":" in the first segment */
		for (i = p.pos; i < len && s[i] != '/' && s[i] != '?' && s[i] != '#'; i++)
			if (s[i] == ':')
				return false;
	}
	/* path */
	while (p.pos < len && s[p.pos] != '?' && s[p.pos] != '#')
	{
		if (s[p.pos] == '/')
			p.pos++;
		else if (!uri_char(&p, ":@", false))
			return false;
	}
	if (p.pos < len && s[p.pos] == '?')
	{
		p.pos++;
		while (p.pos < len && s[p.pos] != '#')
			if (!uri_char(&p, ":@/?", true))
				return false;
	}
	if (p.pos < len && s[p.pos] == '#')
	{
		p.pos++;
		while (p.pos < len)
			if (!uri_char(&p, ":@/?", false))
				return false;
	}
	return p.pos == len;
}

/*
 * check_uri_template
 *		RFC 6570 level 4: literals (no CTL, space, " ' % (unless
 *		pct-encoded) < > \ ^ ` { | }) and expressions "{" [operator]
 *		varspec *( "," varspec ) "}" with varspec = varname [ ":" 1-9999 /
 *		"*" ] and varname = varchar *( ["."] varchar ).
 */
static bool
check_uri_template(ustr s, int len)
{
	int			i = 0;

	while (i < len)
	{
		unsigned char c = s[i];

		if (c == '{')
		{
			i++;
			if (i < len && strchr("+#./;?&=,!@|", s[i]))
				i++;
			for (;;)
			{
				bool		prev_dot = true;
				int			chars = 0;

				/* varname */
				while (i < len)
				{
					if (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_')
						i++;
					else if (s[i] == '%' && i + 2 < len && is_hex(s[i + 1]) && is_hex(s[i + 2]))
						i += 3;
					else if (s[i] == '.' && !prev_dot)
					{
						i++;
						prev_dot = true;
						continue;
					}
					else
						break;
					prev_dot = false;
					chars++;
				}
				if (chars == 0 || prev_dot)
					return false;
				if (i < len && s[i] == ':')
				{
					int			start = ++i;

					while (i < len && is_digit(s[i]))
						i++;
					if (i == start || i - start > 4 || s[start] == '0')
						return false;
				}
				else if (i < len && s[i] == '*')
					i++;
				if (i < len && s[i] == ',')
				{
					i++;
					continue;
				}
				break;
			}
			if (i >= len || s[i] != '}')
				return false;
			i++;
		}
		else if (c == '%')
		{
			if (!(i + 2 < len && is_hex(s[i + 1]) && is_hex(s[i + 2])))
				return false;
			i += 3;
		}
		else if (c < 0x80)
		{
			if (c <= 0x20 || c == 0x7F || strchr("\"'<>\\^`{|}", c))
			{
				if (c != '\'')
					return false;
			}
			i++;
		}
		else
		{
			int			l = pg_utf_mblen(s + i);
			pg_wchar	w;

			if (l > len - i || !pg_utf8_islegal(s + i, l))
				return false;
			w = utf8_to_unicode(s + i);
			if (!is_ucschar(w, true))
				return false;
			i += l;
		}
	}
	return true;
}

/* ---------------------------------------------------------------------
 * JSON Pointers, UUIDs, regexes
 * ---------------------------------------------------------------------
 */

/*
 * check_json_pointer
 *		RFC 6901: "" or ( "/" reference-token )*, where "~" is only
 *		followed by "0" or "1".
 */
static bool
check_json_pointer(ustr s, int len)
{
	int			i;

	if (len > 0 && s[0] != '/')
		return false;
	for (i = 0; i < len; i++)
		if (s[i] == '~' && (i + 1 >= len || (s[i + 1] != '0' && s[i + 1] != '1')))
			return false;
	return true;
}

/*
 * check_relative_json_pointer
 *		non-negative-integer ( "#" / json-pointer ), the integer without
 *		leading zeros.
 */
static bool
check_relative_json_pointer(ustr s, int len)
{
	int			i = 0;

	while (i < len && is_digit(s[i]))
		i++;
	if (i == 0 || (s[0] == '0' && i > 1))
		return false;
	if (i < len && s[i] == '#')
		return i + 1 == len;
	return check_json_pointer(s + i, len - i);
}

/*
 * check_uuid
 *		RFC 4122 string form: 8-4-4-4-12 hex digits, any version/variant.
 */
static bool
check_uuid(ustr s, int len)
{
	int			i;

	if (len != 36)
		return false;
	for (i = 0; i < 36; i++)
	{
		if (i == 8 || i == 13 || i == 18 || i == 23)
		{
			if (s[i] != '-')
				return false;
		}
		else if (!is_hex(s[i]))
			return false;
	}
	return true;
}

/*
 * check_regex
 *		A valid ECMA-262 pattern, as our translator accepts it.
 */
static bool
check_regex(const char *s, int len)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext,
											  "format regex check",
											  ALLOCSET_SMALL_SIZES);
	MemoryContext oldcxt = MemoryContextSwitchTo(cxt);
	char	   *error;
	bool		ok;

	ok = WpEcmaRegexCompile(s, len, cxt, &error) != NULL;
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(cxt);
	return ok;
}

/* ---------------------------------------------------------------------
 * Entry points
 * ---------------------------------------------------------------------
 */

typedef enum WpFormat
{
	WPF_UNKNOWN,
	WPF_DATE_TIME,
	WPF_DATE,
	WPF_TIME,
	WPF_DURATION,
	WPF_EMAIL,
	WPF_IDN_EMAIL,
	WPF_HOSTNAME,
	WPF_IDN_HOSTNAME,
	WPF_IPV4,
	WPF_IPV6,
	WPF_URI,
	WPF_URI_REFERENCE,
	WPF_IRI,
	WPF_IRI_REFERENCE,
	WPF_URI_TEMPLATE,
	WPF_UUID,
	WPF_JSON_POINTER,
	WPF_RELATIVE_JSON_POINTER,
	WPF_REGEX
} WpFormat;

static const struct
{
	const char *name;
	WpFormat	format;
}			known_formats[] =
{
	{"date-time", WPF_DATE_TIME},
	{"date", WPF_DATE},
	{"time", WPF_TIME},
	{"duration", WPF_DURATION},
	{"email", WPF_EMAIL},
	{"idn-email", WPF_IDN_EMAIL},
	{"hostname", WPF_HOSTNAME},
	{"idn-hostname", WPF_IDN_HOSTNAME},
	{"ipv4", WPF_IPV4},
	{"ipv6", WPF_IPV6},
	{"uri", WPF_URI},
	{"uri-reference", WPF_URI_REFERENCE},
	{"iri", WPF_IRI},
	{"iri-reference", WPF_IRI_REFERENCE},
	{"uri-template", WPF_URI_TEMPLATE},
	{"uuid", WPF_UUID},
	{"json-pointer", WPF_JSON_POINTER},
	{"relative-json-pointer", WPF_RELATIVE_JSON_POINTER},
	{"regex", WPF_REGEX},
};

/*
 * lookup_format
 *		The format named by format (formatlen bytes), WPF_UNKNOWN if none.
 *		Names are case-sensitive, as in the specification.
 */
static WpFormat
lookup_format(const char *format, int formatlen)
{
	int			i;

	for (i = 0; i < lengthof(known_formats); i++)
		if (strlen(known_formats[i].name) == formatlen &&
			memcmp(known_formats[i].name, format, formatlen) == 0)
			return known_formats[i].format;
	return WPF_UNKNOWN;
}

/*
 * WpFormatIsKnown
 *		See jsonschema_regex.h.
 */
bool
WpFormatIsKnown(const char *format, int formatlen)
{
	return lookup_format(format, formatlen) != WPF_UNKNOWN;
}

/*
 * WpFormatCheck
 *		See jsonschema_regex.h.  str is in the server encoding; a non-UTF-8
 *		database converts it to UTF-8 first (raising on invalid bytes).
 */
bool
WpFormatCheck(const char *format, int formatlen, const char *str, int len)
{
	WpFormat	f = lookup_format(format, formatlen);
	ustr		s = (ustr) str;
	int			i;

	if (f == WPF_UNKNOWN)
		return true;
	if (f == WPF_REGEX)
		return check_regex(str, len);
	if (GetDatabaseEncoding() != PG_UTF8)
	{
		for (i = 0; i < len; i++)
			if (s[i] >= 0x80)
				break;
		if (i < len)
		{
			s = (ustr) pg_server_to_any(str, len, PG_UTF8);
			if ((const char *) s != str)
				len = strlen((const char *) s);
		}
	}
	switch (f)
	{
		case WPF_DATE_TIME:
			return check_date_time(s, len);
		case WPF_DATE:
			return check_date(s, len);
		case WPF_TIME:
			return check_time(s, len);
		case WPF_DURATION:
			return check_duration(s, len);
		case WPF_EMAIL:
			return check_email(s, len, false);
		case WPF_IDN_EMAIL:
			return check_email(s, len, true);
		case WPF_HOSTNAME:
			return check_hostname(s, len, false);
		case WPF_IDN_HOSTNAME:
			return check_hostname(s, len, true);
		case WPF_IPV4:
			return check_ipv4(s, len);
		case WPF_IPV6:
			return check_ipv6(s, len);
		case WPF_URI:
			return check_uri(s, len, false, true);
		case WPF_URI_REFERENCE:
			return check_uri(s, len, false, false);
		case WPF_IRI:
			return check_uri(s, len, true, true);
		case WPF_IRI_REFERENCE:
			return check_uri(s, len, true, false);
		case WPF_URI_TEMPLATE:
			return check_uri_template(s, len);
		case WPF_UUID:
			return check_uuid(s, len);
		case WPF_JSON_POINTER:
			return check_json_pointer(s, len);
		case WPF_RELATIVE_JSON_POINTER:
			return check_relative_json_pointer(s, len);
		case WPF_REGEX:
		case WPF_UNKNOWN:
			break;
	}
	return true;
}

PG_FUNCTION_INFO_V1(wp_jsonschema_format_check);

/*
 * wp_jsonschema_format_check(format text, value text) RETURNS boolean
 *		Whether value is valid for the JSON Schema format; true for formats
 *		that are not checked (annotation only).
 */
Datum
wp_jsonschema_format_check(PG_FUNCTION_ARGS)
{
	text	   *format = PG_GETARG_TEXT_PP(0);
	text	   *value = PG_GETARG_TEXT_PP(1);

	PG_RETURN_BOOL(WpFormatCheck(VARDATA_ANY(format), VARSIZE_ANY_EXHDR(format),
								 VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)));
}
