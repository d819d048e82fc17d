import { RequestError } from "@octokit/request-error";
import { z } from "zod";

/** The status GitHub answered a failed request with; undefined for anything but Octokit's RequestError. */
export function gitHubStatus(err: unknown): number | undefined {
  return err instanceof RequestError ? err.status : undefined;
}

/** Whether `err` is GitHub answering `status` (a 404 that means "none", a 422 refusal). */
export function isStatus(err: unknown, status: number): err is RequestError {
  return gitHubStatus(err) === status;
}

const ValidationBody = z.looseObject({
  message: z.string().optional(),
  errors: z.array(z.union([z.string(), z.looseObject({ message: z.string().optional() })])).optional(),
});

/** GitHub's reason for refusing a request as invalid (422), in its words; undefined for any other error. */
export function refusalReason(err: unknown): string | undefined {
  if (!isStatus(err, 422)) return undefined;
  const body = ValidationBody.safeParse(err.response?.data);
  const details = (body.data?.errors ?? [])
    .map((e) => (typeof e === "string" ? e : e.message))
    .filter((m): m is string => Boolean(m));
  const message = body.data?.message ?? "Unprocessable Entity";
  return details.length > 0 ? `${message}: ${details.join("; ")}` : message;
}

/** One sentence for a person about a failed GitHub request, from Octokit's RequestError or anything else. */
export function describeGitHubError(err: unknown): string {
  const text = (err as { message?: unknown } | null | undefined)?.message;
  const message = (typeof text === "string" ? text.split("\n")[0]!.slice(0, 300) : String(err)).replace(
    /\.+$/,
    "",
  );
  if (!(err instanceof RequestError)) return message;
  const what =
    err.request.method && err.request.url
      ? ` to ${err.request.method} ${new URL(err.request.url).pathname}`
      : "";
  const hint = /rate limit/i.test(message)
    ? " patchwright waited and retried; try again in a few minutes."
    : err.status === 403 || err.status === 404
      ? " Check that the app or token has access to this repository and the permissions patchwright needs."
      : err.status >= 500
        ? " GitHub had a problem; patchwright retried, so try again later."
        : "";
  return `GitHub answered ${err.status}${what}: ${message}.${hint}`;
}
