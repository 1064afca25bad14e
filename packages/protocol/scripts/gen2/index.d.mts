export function generateGen2(packageDir: string, protoDir: string): void;
