// marked-terminal ships no types; these are the parts the runner uses.
declare module 'marked-terminal' {
  import type { MarkedExtension } from 'marked';
  export function markedTerminal(options?: Record<string, unknown>, highlightOptions?: Record<string, unknown>): MarkedExtension;
  /** The renderer class behind markedTerminal(); learn overrides a few of its methods. */
  export default class TerminalRenderer {
    constructor(options?: Record<string, unknown>, highlightOptions?: Record<string, unknown>);
    [method: string]: any;
  }
}
