/** Secrets shorter than this are not masked: masking "1" or "true" would shred every line. */
export const MIN_MASKED_SECRET_LENGTH = 4;

const MASK = '***';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_SPLIT = /[\x00-\x1f\x7f]+/;

/** Escapes of control characters other than \xNN, per quoting style. */
const GO_ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
const NODE_ESCAPES: Record<string, string> = { '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function quoted(value: string, escapes: Record<string, string>, quote: string): string {
  let out = '';
  for (const ch of value) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (escapes[ch]) out += escapes[ch];
    else if (CONTROL.test(ch)) out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

/**
 * Every form in which a secret value can reach a text: as is; each run of it between control
 * characters (a build's output is split into lines, and C strings end at a NUL, so a secret with
 * a newline or a NUL shows up in pieces); and quoted with escapes the way errors quote a value —
 * JSON (`\u0000`), Go's %q as the Docker engine uses it (`\x00`, `\n`), Node's util.inspect
 * (`\x00`, `\x0b`) — with a NUL also as U+FFFD, what the log pipeline turns it into.
 */
function formsOf(secret: string): string[] {
  const forms = new Set<string>([secret, secret.replace(/\0/g, '\uFFFD')]);
  if (CONTROL.test(secret) || secret.includes('\\') || secret.includes('"') || secret.includes("'")) {
    for (const part of secret.split(CONTROL_SPLIT)) forms.add(part);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(quoted(secret, GO_ESCAPES, '"'));
    forms.add(quoted(secret, NODE_ESCAPES, "'"));
    forms.add(quoted(secret, NODE_ESCAPES, '"'));
  }
  return [...forms].filter((f) => f.length >= MIN_MASKED_SECRET_LENGTH);
}

/**
 * Masks a set of secret values (a project's secret env vars) as `***` in any text: build log
 * lines, failure messages, logged errors. Longer forms go first, so a secret that contains
 * another is masked whole.
 */
export class SecretMask {
  static readonly NONE = new SecretMask([]);
  private readonly forms: string[];

  constructor(secrets: readonly string[]) {
    this.forms = [...new Set(secrets.flatMap(formsOf))].sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.forms.length === 0;
  }

  /** Length of the longest form: text that may still grow must keep this many characters minus one back. */
  get longest(): number {
    return this.forms[0]?.length ?? 0;
  }

  /**
   * Where to cut `text` (a line too long for one log message) so that no form is cut through:
   * at `max`, or earlier, before a form that crosses it. A form that starts the text and runs
   * past `max` (a secret longer than a message) goes whole into the first piece, which masking
   * shrinks to `***`. Never between the two halves of a surrogate pair.
   */
  cutPoint(text: string, max: number): number {
    if (text.length <= max) return text.length;
    let cut = max;
    for (let moved = true; moved; ) {
      moved = false;
      for (const form of this.forms) {
        const at = text.indexOf(form, Math.max(0, cut - form.length + 1));
        if (at === -1 || at >= cut) continue;
        if (at === 0) return form.length;
        cut = at;
        moved = true;
      }
    }
    const code = text.charCodeAt(cut);
    return code >= 0xdc00 && code <= 0xdfff && cut > 1 ? cut - 1 : cut;
  }

  apply(text: string): string {
    let out = text;
    for (const form of this.forms) if (out.includes(form)) out = out.split(form).join(MASK);
    return out;
  }
}
