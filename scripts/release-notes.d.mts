export function changelogSection(changelog: string, version: string): string | undefined;
export function releaseNotes(tag: string, packageVersion: string, changelog: string): { notes?: string; major?: string; error?: string };
