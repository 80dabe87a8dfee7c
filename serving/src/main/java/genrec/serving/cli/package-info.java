/**
 * The {@code genrec} command line (picocli). Commands only parse arguments and print the result
 * objects returned by the modules' entry points.
 */
package genrec.serving.cli;
