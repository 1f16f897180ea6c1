// A training run streamed from the server and played on the page: play, pause, step, reset.
//
// The server trains as fast as it can and streams snapshots; they are all kept here as they arrive, and
// `shown` says how many the charts show. Playing follows the stream live; pausing freezes the charts where
// they are (the run is bounded by the server's work budget, so it may finish in the background); step shows
// one more snapshot, waiting for it if it has not arrived yet; reset closes the connection, which stops the
// training on the server, and forgets the run.

import { trainStream } from "./api.js";

export class TrainingRun {
  /** onUpdate(run) is called whenever what the charts should show, or the run's status, changes. */
  constructor(onUpdate) {
    this.onUpdate = onUpdate;
    this.clear();
  }

  clear() {
    this.controller = null;
    this.snapshots = [];
    this.shown = 0;
    this.pendingSteps = 0;
    this.playing = false;
    this.info = null; // the stream's start event: {config, task, sizes}
    this.status = "idle"; // idle | running | done | stopped | failed
    this.error = null; // an ApiError, or the failed event's message
  }

  get started() {
    return this.controller !== null;
  }

  /** The snapshots the charts show now. */
  visible() {
    return this.snapshots.slice(0, this.shown);
  }

  /** Start (or resume following) the run of `config`, the training request body. */
  play(config) {
    this.playing = true;
    this.shown = this.snapshots.length;
    if (!this.started) this.open(config);
    this.onUpdate(this);
  }

  pause() {
    this.playing = false;
    this.onUpdate(this);
  }

  /** One snapshot further (starting the run paused if there is none yet). */
  step(config) {
    this.playing = false;
    if (this.shown < this.snapshots.length) this.shown += 1;
    else this.pendingSteps += 1;
    if (!this.started) this.open(config);
    this.onUpdate(this);
  }

  reset() {
    this.controller?.abort();
    this.clear();
    this.onUpdate(this);
  }

  async open(config) {
    const controller = new AbortController();
    this.controller = controller;
    this.status = "running";
    try {
      for await (const { event, data } of trainStream(config, controller.signal)) {
        if (controller !== this.controller) return; // reset, or a newer run
        if (event === "start") {
          this.info = data;
        } else if (event === "snapshot") {
          this.snapshots.push(data);
          if (this.playing) this.shown = this.snapshots.length;
          else if (this.pendingSteps > 0) {
            this.pendingSteps -= 1;
            this.shown += 1;
          }
        } else if (["done", "stopped", "failed"].includes(event)) {
          this.status = event;
          if (event === "failed") this.error = data.message;
        }
        this.onUpdate(this);
      }
      if (this.status === "running") this.status = "stopped"; // the stream ended without saying why
    } catch (error) {
      if (controller !== this.controller || error.name === "AbortError") return;
      this.status = "failed";
      this.error = error;
    }
    this.onUpdate(this);
  }
}
