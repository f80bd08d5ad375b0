// OTLP/HTTP response bodies, in the request's encoding: Export*ServiceResponse (partial_success
// only when something was rejected) and, for errors, google.rpc.Status.
import { create, toBinary } from "@bufbuild/protobuf";
import { ExportServiceResponseSchema, RpcStatusSchema } from "./generated/otlp_pb.ts";
import type { Signal } from "./decode.ts";
import type { OtlpEncoding } from "./request-body.ts";

export type OtlpBody = { body: Uint8Array | string; contentType: string };

/** The JSON name of the rejected counter differs per signal; on the wire it is always field 1. */
const REJECTED_FIELD: Record<Signal, string> = {
  traces: "rejectedSpans",
  logs: "rejectedLogRecords",
  metrics: "rejectedDataPoints",
};

export function exportResponse(
  signal: Signal,
  encoding: OtlpEncoding,
  rejected: number,
  errorMessage: string,
): OtlpBody {
  if (encoding === "protobuf") {
    const partialSuccess = rejected > 0 ? { rejected: BigInt(rejected), errorMessage } : undefined;
    return protobuf(
      toBinary(ExportServiceResponseSchema, create(ExportServiceResponseSchema, { partialSuccess })),
    );
  }
  // int64 is a string in proto3 JSON.
  const partialSuccess = { [REJECTED_FIELD[signal]]: String(rejected), errorMessage };
  return json(rejected > 0 ? { partialSuccess } : {});
}

/** gRPC status codes for the HTTP statuses ingest answers with (google.rpc.Code). */
const GRPC_CODES: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  413: 8, // RESOURCE_EXHAUSTED
  415: 3, // INVALID_ARGUMENT
  429: 8, // RESOURCE_EXHAUSTED
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
};

/**
 * google.rpc.Status. The message starts with our stable error code ("INVALID_REQUEST: …"); JSON
 * answers add a google.rpc.ErrorInfo detail carrying that code and the request id.
 */
export function statusResponse(
  encoding: OtlpEncoding,
  httpStatus: number,
  code: string,
  detail: string,
  requestId: string,
): OtlpBody {
  const status = { code: GRPC_CODES[httpStatus] ?? 13, message: detail ? `${code}: ${detail}` : code };
  if (encoding === "protobuf") return protobuf(toBinary(RpcStatusSchema, create(RpcStatusSchema, status)));
  return json({
    ...status,
    details: [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: code,
        domain: "sightline.dev",
        metadata: { requestId },
      },
    ],
  });
}

function protobuf(body: Uint8Array): OtlpBody {
  return { body, contentType: "application/x-protobuf" };
}

function json(value: unknown): OtlpBody {
  return { body: JSON.stringify(value), contentType: "application/json" };
}
