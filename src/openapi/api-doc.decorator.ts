import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

export interface ApiDocOptions {
  readonly summary: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  /** Schema of the 2xx response body. */
  readonly response?: z.ZodType;
  /** Media type of the 2xx response body (default application/json). */
  readonly responseContentType?: string;
  readonly responseStatus?: number;
  /** Request body schema when it is not declared through `@Body({ schema })` (e.g. raw text uploads). */
  readonly requestBody?: { readonly contentType: string; readonly schema?: z.ZodType; readonly description?: string };
  /** Error codes this operation may answer with, documented beside the generic ones. */
  readonly errors?: readonly string[];
}

export const API_DOC_KEY = 'soc-drill:api-doc';

export const ApiDoc = (options: ApiDocOptions): MethodDecorator => SetMetadata(API_DOC_KEY, options);
