/** Failures of what the client was given (a key, a URL, a setting): found before any request is sent. */
import { OktaAerialError } from './okta-aerial-error';

/** The plain form of a {@link ConfigurationError}. */
export interface ConfigurationErrorRecord {
  readonly type: 'ConfigurationError';
  readonly message: string;
  readonly setting?: string;
}

/** The client cannot work with what it was given (a key, a URL, a setting); no request was sent. */
export class ConfigurationError extends OktaAerialError {
  /** The setting at fault, e.g. `privateKey`; undefined when several are named in the message. */
  readonly setting?: string;

  constructor(message: string, options: { readonly setting?: string } = {}) {
    super(message);
    this.name = 'ConfigurationError';
    this.setting = options.setting;
  }

  toRecord(): ConfigurationErrorRecord {
    return { type: 'ConfigurationError', message: this.message, setting: this.setting };
  }
}
