/** Named presets ({@code configs/*.yaml}) read into immutable records. */
package genrec.serving.config;
