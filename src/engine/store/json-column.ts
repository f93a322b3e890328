/** JSON columns: params/config/meta are stored as text and parsed back on read. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function fromJsonText(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    // A hand-edited or truncated value must not make the whole list unreadable.
    return null;
  }
}
