// The backward pass as an animation: a position that walks from t = T down to t = 1, one step per tick, with
// play, pause and single steps either way. It only keeps time; what a position shows is the caller's
// (onFrame draws the bars of lesson/figures.js).

export class BackwardPlayer {
  /** onFrame(player) is called whenever the position or the playing state changes. */
  constructor(onFrame, { interval = 450 } = {}) {
    this.onFrame = onFrame;
    this.interval = interval;
    this.T = 0;
    this.position = 0; // 1-based step being computed; T at the start of the backward pass
    this.timer = null;
  }

  get playing() {
    return this.timer !== null;
  }

  /** A sequence of T steps; a position already inside it is kept (a redraw, a language switch). */
  load(T, position = null) {
    this.T = T;
    this.position = position && position >= 1 && position <= T ? position : T;
    this.onFrame(this);
  }

  play() {
    if (this.playing || this.T < 1) return;
    if (this.position <= 1) this.position = this.T; // played to the end: start again from t = T
    this.timer = setInterval(() => this.tick(), this.interval);
    this.onFrame(this);
  }

  tick() {
    if (this.position > 1) this.position -= 1;
    if (this.position <= 1) this.stopTimer();
    this.onFrame(this);
  }

  pause() {
    this.stopTimer();
    this.onFrame(this);
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  /** One step along the time axis, pausing: −1 towards t = 1 (the way the backward pass goes), +1 back. */
  step(direction) {
    this.stopTimer();
    this.position = Math.min(Math.max(this.position + direction, 1), this.T);
    this.onFrame(this);
  }

  /** Stop at step `position` (clamped to 1…T): where another page's animation is (a live class's teacher). */
  seek(position) {
    this.stopTimer();
    this.position = Math.min(Math.max(Math.round(position), 1), this.T || 1);
    this.onFrame(this);
  }

  restart() {
    this.stopTimer();
    this.position = this.T;
    this.onFrame(this);
  }

  stopTimer() {
    clearInterval(this.timer);
    this.timer = null;
  }
}
