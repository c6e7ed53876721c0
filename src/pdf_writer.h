/*
 * src/pdf_writer.h
 *
 * Font metrics the PDF writer lays text out with: advance widths in 1/1000
 * em for the 256 codes of WinAnsiEncoding (src/pdf_font_metrics.c,
 * generated from Adobe's Core14 AFM files by src/gen_pdf_font_metrics.pl).
 */
#ifndef WP_PDF_WRITER_H
#define WP_PDF_WRITER_H

extern const uint16 wp_pdf_width_helvetica[256];
extern const uint16 wp_pdf_width_helvetica_bold[256];
extern const uint16 wp_pdf_width_courier[256];

#endif							/* WP_PDF_WRITER_H */
