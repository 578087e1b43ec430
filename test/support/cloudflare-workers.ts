/** `cloudflare:workers` outside workerd, for unit tests that import the site Worker's entry: the base class only. */
export class DurableObject<Env = unknown> {
  constructor(
    protected readonly ctx: DurableObjectState,
    protected readonly env: Env,
  ) {}
}
