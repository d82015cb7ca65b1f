/** One thing /readyz asks about (the database, the renderer): true when it can serve. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
}
