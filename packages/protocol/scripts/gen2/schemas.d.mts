export interface Gen2Call {
  wasmName: string;
  method: string;
  request: string | null;
  response: string | null;
}
export interface Gen2Model {
  shapes: { name: string; file: string }[];
  capabilities: { name: string; file: string; title: string; exports: Gen2Call[] }[];
  services: { name: string; file: string; title: string; functions: Gen2Call[] }[];
}
export function loadGen2Schemas(gen2Dir: string): Gen2Model;
