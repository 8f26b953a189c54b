/** A value danlu writes into a TOML file: the shapes of pyproject.toml's tables and arrays. */
export type TomlValue = string | number | boolean | TomlValue[] | { [key: string]: TomlValue };
