// The ordered registry of ghost sections. Subsystems register; the order
// of the walk is SECTION_ORDER, whatever the order of registration, so the
// composition reads as the reference's table and cannot drift.
import { SectionRegistrationInvalid } from './errors.js';
import { SECTION_ORDER, type GhostSection, type SectionName } from './ghost-section.js';

export class SectionRegistry<P, I> {
  readonly #byName = new Map<SectionName, GhostSection<P, I>>();

  register(section: GhostSection<P, I>): void {
    if (!(SECTION_ORDER as readonly string[]).includes(section.name)) {
      throw new SectionRegistrationInvalid(section.name, `not one of ${SECTION_ORDER.join(', ')}`);
    }
    if (this.#byName.has(section.name))
      throw new SectionRegistrationInvalid(section.name, 'already registered');
    if (!Number.isInteger(section.version) || section.version < 1) {
      throw new SectionRegistrationInvalid(
        section.name,
        `version must be a positive integer, found ${section.version}`,
      );
    }
    this.#byName.set(section.name, section);
  }

  /** Registered sections in reference order. */
  sections(): GhostSection<P, I>[] {
    const out: GhostSection<P, I>[] = [];
    for (const name of SECTION_ORDER) {
      const section = this.#byName.get(name);
      if (section !== undefined) out.push(section);
    }
    return out;
  }
}
