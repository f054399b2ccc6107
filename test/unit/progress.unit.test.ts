// The rebuild's progress line: percentage, rate and ETA.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderProgress } from "../../services/projector/progress.js";

describe("rebuild progress bar", () => {
  it("when half is done in 2 s, then it shows 50%, the rate and the remaining time", () => {
    assert.equal(renderProgress(500, 1000, 2000, 10), "[#####.....] 50.0% 500/1000 events  250 ev/s  ETA 2s");
  });
  it("when everything is done, then it shows 100% and ETA 0s", () => {
    assert.equal(renderProgress(10, 10, 1000, 4), "[####] 100.0% 10/10 events  10 ev/s  ETA 0s");
  });
  it("when nothing is done yet, then the ETA is unknown", () => {
    assert.match(renderProgress(0, 10, 0, 4), /ETA \?$/);
  });
});
