/**
 * An entity id on the wire (`dpl_…`, `prj_…`): a 2–5 letter prefix and 26 base-32 characters.
 * Looser than the generator's alphabet on purpose: a contract checks shape, not provenance.
 */
export const ENTITY_ID = /^[a-z]{2,5}_[0-9a-z]{26}$/;
