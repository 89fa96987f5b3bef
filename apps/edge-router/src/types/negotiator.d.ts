// The part of negotiator 1.x the edge uses: @types/negotiator describes 0.6, which had no
// server order of preference for equal q-values.
declare module 'negotiator' {
  class Negotiator {
    constructor(request: { headers: Readonly<Record<string, string | undefined>> });
    encodings(available: readonly string[], options?: { preferred?: readonly string[] }): string[];
  }
  export = Negotiator;
}
