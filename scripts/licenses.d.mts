export function packageDirOf(input: string): string | undefined;
export function thirdPartyNotices(inputs: string[]): string;
