// Work started in the background right after a commit ("kick"), one run at a time: a kick during a run
// makes it run once more when it ends, so nothing kicked is missed and two runs never overlap. The
// recurring job of the same work catches what a crash or an outage left.
export class KickedWork {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {}

  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.work().catch(this.onError);
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when the kicked runs have finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}
