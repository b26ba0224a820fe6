/** The tables a run prints as it goes and writes, all together, to bench/results/. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface Section {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  notes: string[];
}

/** A section's table as Markdown. */
export function table(section: Section): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(section.columns), line(section.columns.map(() => "---")), ...section.rows.map(line)].join(
    "\n",
  );
}

/** The sections of one run, in the order they were measured. */
export class Report {
  readonly #sections: Section[] = [];

  get empty(): boolean {
    return this.#sections.length === 0;
  }

  /** Keeps the section and prints it at once. */
  add(section: Section): void {
    this.#sections.push(section);
    console.log(`\n## ${section.title}\n\n${table(section)}\n`);
    for (const n of section.notes) console.log(`- ${n}`);
    console.log("");
  }

  /** The results file: a title, the header lines (machine, versions, load), then every section. */
  markdown(title: string, header: readonly string[]): string {
    return [
      `# ${title}`,
      "",
      ...header,
      "",
      ...this.#sections.flatMap((s) => [
        `## ${s.title}`,
        "",
        table(s),
        "",
        ...s.notes.map((n) => `- ${n}`),
        "",
      ]),
    ].join("\n");
  }

  write(file: string, title: string, header: readonly string[]): void {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, this.markdown(title, header));
  }
}
