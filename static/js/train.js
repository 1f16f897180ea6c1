// A training run streamed from the server and played on the page, as a small state machine:
//
//   idle ──play──▶ running ──pause──▶ paused ──play──▶ running
//     │              │  └──end──▶ finished ──play──▶ running (a new run)
//     └──step──▶ paused ──end, every snapshot shown──▶ finished
//   running, paused ──fail──▶ failed ──play──▶ running (a new run)      any ──reset──▶ idle
//
// The server trains as fast as it can and streams snapshots; they are all kept here as they arrive, and
// `shown` says how many the charts show. Running follows the stream live; pausing freezes the charts where
// they are (the run is bounded by the server's work budget, so it may end in the background: the run then
// stays paused until what it received has been shown); step shows one more snapshot, waiting for it if it has
// not arrived yet; reset closes the connection, which stops the training on the server, and forgets the run.

import { trainStream } from "./api.js";

const NEXT = {
  idle: { play: "running", step: "paused", reset: "idle" },
  running: { pause: "paused", end: "finished", fail: "failed", reset: "idle" },
  paused: { play: "running", step: "paused", end: "finished", fail: "failed", reset: "idle" },
  finished: { play: "running", reset: "idle" },
  failed: { play: "running", reset: "idle" },
};

/** The language key of the play button's label in each state. */
export const PLAY_LABEL = {
  idle: "train.play",
  running: "train.pause",
  paused: "train.resume",
  finished: "train.again",
  failed: "train.again",
};

export class TrainingRun {
  /** onUpdate(run) is called whenever what the charts should show, or the run's state, changes. */
  constructor(onUpdate) {
    this.onUpdate = onUpdate;
    this.clear();
  }

  clear() {
    this.controller = null;
    this.snapshots = [];
    this.shown = 0;
    this.pendingSteps = 0;
    this.state = "idle";
    this.info = null; // the stream's start event: {config, task, sizes}
    this.status = "idle"; // the stream's: idle | running | done | stopped | failed
    this.reason = null; // why it ended: steps | solved | seconds | stopped (the server's words)
    this.error = null; // an ApiError, or the failed event's message
    this.mirrored = false; // the run shown is another page's (a live class's teacher), not one streamed here
  }

  /** Move along an edge of the machine; false (and no change) when `event` has none from this state. */
  move(event) {
    const to = NEXT[this.state][event];
    if (!to) return false;
    this.state = to;
    return true;
  }

  get started() {
    return this.controller !== null;
  }

  get playing() {
    return this.state === "running";
  }

  get ended() {
    return this.started && this.status !== "running";
  }

  /** The snapshots the charts show now. */
  visible() {
    return this.snapshots.slice(0, this.shown);
  }

  /**
   * Show a run that another page trains (a live class's teacher, live/view.js): its `info`, `snapshots` and
   * states as that page has them, with no stream of this page's own. Playing or stepping afterwards starts
   * a run of this page's own.
   */
  follow({ info, snapshots, state, status, reason }) {
    this.controller?.abort();
    this.clear();
    const known = Object.hasOwn(NEXT, state) ? state : "paused";
    Object.assign(this, { info, snapshots, shown: snapshots.length, state: known, status, reason, mirrored: true });
    this.onUpdate(this);
  }

  /** Play, pause, or start again after a finished or failed run: what the Train button and Space do. */
  toggle(config) {
    if (this.state === "running") this.pause();
    else this.play(config);
  }

  /** Start (or resume following) the run of `config`, the training request body. */
  play(config) {
    if (this.mirrored) this.clear();
    if (this.state === "finished" || this.state === "failed") {
      this.controller?.abort();
      this.clear();
    }
    if (!this.move("play")) return;
    this.shown = this.snapshots.length;
    if (!this.started) this.open(config);
    else if (this.ended) this.settle();
    this.onUpdate(this);
  }

  pause() {
    if (this.move("pause")) this.onUpdate(this);
  }

  /** One snapshot further (starting the run paused if there is none yet). */
  step(config) {
    if (this.mirrored) this.clear();
    if (!this.move("step")) return;
    if (this.shown < this.snapshots.length) this.shown += 1;
    else this.pendingSteps += 1;
    if (!this.started) this.open(config);
    else this.settle();
    this.onUpdate(this);
  }

  reset() {
    this.controller?.abort();
    this.clear();
    this.onUpdate(this);
  }

  /** After the stream ended: a failed stream fails the run; else the run finishes once all is shown. */
  settle() {
    if (!this.ended) return;
    if (this.status === "failed") this.move("fail");
    else if (this.shown >= this.snapshots.length) this.move("end");
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
          this.reason = data.reason ?? this.snapshots[this.snapshots.length - 1]?.reason ?? null;
          if (event === "failed") this.error = data.message;
          this.settle();
        }
        this.onUpdate(this);
      }
      if (this.status === "running") this.status = "stopped"; // the stream ended without saying why
    } catch (error) {
      if (controller !== this.controller || error.name === "AbortError") return;
      this.status = "failed";
      this.error = error;
    }
    this.settle();
    this.onUpdate(this);
  }
}

/**
 * The sentence under the Train button, as {key, values} for the language files: what the run is doing, and
 * for a finished one why it ended (all its steps, every network solved, its time limit), in words.
 */
export function runStatus(run, total) {
  const shown = run.visible();
  const step = shown[shown.length - 1]?.step ?? 0;
  const values = { step, total, received: run.snapshots.length, seconds: run.info?.config?.seconds ?? "" };
  if (run.state === "finished") {
    const reason = ["steps", "solved", "seconds", "stopped"].includes(run.reason) ? run.reason : "steps";
    return { key: `train.status.finished_${reason}`, values };
  }
  return { key: `train.status.${run.state}`, values };
}
