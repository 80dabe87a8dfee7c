/**
 * Input and output shared by every genrec module: precise data-format errors ({@link
 * genrec.core.io.DataFormatException}), strict or lenient reading ({@link
 * genrec.core.io.ReadReport}), a small RFC 4180 CSV splitter, atomic artifact writes and
 * content fingerprints.
 */
package genrec.core.io;
