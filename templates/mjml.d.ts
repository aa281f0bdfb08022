// mjml 5 ships no types; this covers what compile.ts and the benchmark use. In v5 mjml2html is async.
declare module 'mjml' {
  interface MjmlOptions {
    readonly validationLevel?: 'strict' | 'soft' | 'skip';
    readonly minify?: boolean;
    readonly keepComments?: boolean;
    /** Web fonts MJML links to when a font-family names one; empty means none. */
    readonly fonts?: Readonly<Record<string, string>>;
    /** htmlnano options; minifyCss needs cssnano, which is not installed. */
    readonly minifyOptions?: { readonly minifyCss?: false };
  }

  export default function mjml2html(mjml: string, options?: MjmlOptions): Promise<{ html: string }>;
}
