/** PEP 503 name normalisation, as piwheels 0.18 applies it to every changelog event (behaviour 105). */
export function canonicalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}
