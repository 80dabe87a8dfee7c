/**
 * Input and output shared by every genrec module: precise data-format errors ({@link
 * genrec.quantizer.io.DataFormatException}), strict or lenient reading ({@link
 * genrec.quantizer.io.ReadReport}), a small RFC 4180 CSV splitter, atomic artifact writes and
 * content fingerprints.
 */
package genrec.quantizer.io;
