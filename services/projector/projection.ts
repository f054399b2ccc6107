// The pure batch plan lives in core (the api retries dead letters with it too).
export * from "../core/projection.js";
