/**
 * Errors of the scoring library. They extend the gateway's `GatewayError`, so callers branch on `code`.
 */
import { GatewayError } from '../src/errors/index.js';

/** Negative results of the scoring Lua scripts, mapped to errors by the script wrapper. */
export const ScriptErrorCode = Object.freeze({
  MalformedArguments: -1,
} as const);

/** A Lua script answered an error code: a bug in the caller, never a transient condition. */
export class ScoringScriptError extends GatewayError {
  readonly script: string;
  readonly result: number;

  constructor(script: string, result: number) {
    const reason = result === ScriptErrorCode.MalformedArguments ? 'malformed arguments' : `error code ${result}`;
    super('PUSHMUX_SCORING_SCRIPT_FAILED', `scoring script ${script} failed: ${reason}`);
    this.name = 'ScoringScriptError';
    this.script = script;
    this.result = result;
  }
}

/** A Lua script file cannot be loaded: bad file name, missing include, or wrong key count at a call. */
export class ScoringScriptLoadError extends GatewayError {
  constructor(message: string) {
    super('PUSHMUX_SCORING_SCRIPT_LOAD', message);
    this.name = 'ScoringScriptLoadError';
  }
}
