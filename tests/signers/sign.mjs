// Signs webhook bodies the way each sender does, with the sender's own npm library where one exists,
// so the C# tests can send requests signed by real sender code (see NodeSigners.cs).
//
// stdin:  one JSON array of { scheme, secret, payload, id?, timestamp? }
//           scheme:    "standard-webhooks" | "svix" | "github" | "stripe" | "shopify" | "slack"
//           secret:    the shared secret as the sender's dashboard shows it
//                      (standard-webhooks and svix: "whsec_" + base64 of the key bytes; the prefix is optional)
//           payload:   the exact request body, UTF-8
//           id:        message id (standard-webhooks, svix); a random "msg_..." when left out
//           timestamp: unix seconds (standard-webhooks, svix, stripe, slack); now when left out
// stdout: one JSON array, in the same order, of objects mapping header name to header value.
// Any bad request or library error: a message on stderr and a non-zero exit code, nothing on stdout.
import { createHmac, randomBytes } from "node:crypto";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import { sign as signGitHub } from "@octokit/webhooks-methods";
import Stripe from "stripe";

class UsageError extends Error {}

const signers = {
    // standardwebhooks strips an optional "whsec_" prefix and base64-decodes the rest into the HMAC key.
    "standard-webhooks": (request) => {
        const id = messageId(request);
        const timestamp = unixSeconds(request);
        const signature = new StandardWebhook(request.secret).sign(id, new Date(timestamp * 1000), request.payload);
        return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
    },
    // svix's Webhook wraps standardwebhooks' (same key handling, same signature); only the header names differ.
    svix: (request) => {
        const id = messageId(request);
        const timestamp = unixSeconds(request);
        const signature = new SvixWebhook(request.secret).sign(id, new Date(timestamp * 1000), request.payload);
        return { "svix-id": id, "svix-timestamp": String(timestamp), "svix-signature": signature };
    },
    // "sha256=" + hex HMAC-SHA256 keyed with the secret string (UTF-8). The library refuses an empty body.
    github: async (request) => ({ "X-Hub-Signature-256": await signGitHub(request.secret, request.payload) }),
    // Static on the default export, no client instance needed: "t=<timestamp>,v1=" + hex HMAC-SHA256 of
    // "<timestamp>.<payload>" keyed with the whole secret string (UTF-8, "whsec_" included).
    stripe: (request) => ({
        "Stripe-Signature": Stripe.webhooks.generateTestHeaderString({
            payload: request.payload,
            secret: request.secret,
            timestamp: unixSeconds(request),
        }),
    }),
    // No signing package: base64 HMAC-SHA256 of the body keyed with the secret string (UTF-8).
    shopify: (request) => ({
        "X-Shopify-Hmac-Sha256": createHmac("sha256", request.secret).update(request.payload, "utf8").digest("base64"),
    }),
    // No signing package: "v0=" + hex HMAC-SHA256 of "v0:<timestamp>:<body>" keyed with the signing secret (UTF-8).
    slack: (request) => {
        const timestamp = unixSeconds(request);
        const signature = createHmac("sha256", request.secret).update(`v0:${timestamp}:${request.payload}`, "utf8").digest("hex");
        return { "X-Slack-Request-Timestamp": String(timestamp), "X-Slack-Signature": `v0=${signature}` };
    },
};

function messageId(request) {
    if (request.id === undefined || request.id === null) {
        return `msg_${randomBytes(12).toString("hex")}`;
    }
    if (typeof request.id !== "string" || request.id === "") {
        throw new UsageError("id must be a non-empty string");
    }
    return request.id;
}

function unixSeconds(request) {
    if (request.timestamp === undefined || request.timestamp === null) {
        return Math.floor(Date.now() / 1000);
    }
    // Stripe treats a falsy timestamp as "now", so 0 is refused rather than silently replaced.
    if (!Number.isSafeInteger(request.timestamp) || request.timestamp <= 0) {
        throw new UsageError("timestamp must be a positive whole number of unix seconds");
    }
    return request.timestamp;
}

async function readStdin() {
    const chunks = [];
    for await (const chunk of process.stdin) {
        chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString("utf8");
}

async function main() {
    let requests;
    try {
        requests = JSON.parse(await readStdin());
    } catch (error) {
        throw new UsageError(`stdin is not JSON: ${error.message}`);
    }
    if (!Array.isArray(requests)) {
        throw new UsageError("stdin must be one JSON array of sign requests");
    }

    const results = [];
    for (const [index, request] of requests.entries()) {
        const where = `request ${index}`;
        if (request === null || typeof request !== "object") {
            throw new UsageError(`${where}: not an object`);
        }
        const signer = Object.hasOwn(signers, request.scheme) ? signers[request.scheme] : undefined;
        if (signer === undefined) {
            throw new UsageError(`${where}: unknown scheme ${JSON.stringify(request.scheme)}; known: ${Object.keys(signers).join(", ")}`);
        }
        if (typeof request.secret !== "string" || typeof request.payload !== "string") {
            throw new UsageError(`${where} (${request.scheme}): secret and payload must be strings`);
        }
        try {
            results.push(await signer(request));
        } catch (error) {
            if (error instanceof UsageError) {
                throw new UsageError(`${where} (${request.scheme}): ${error.message}`);
            }
            throw new Error(`${where} (${request.scheme}): ${error.message}`, { cause: error });
        }
    }

    process.stdout.write(JSON.stringify(results));
}

try {
    await main();
} catch (error) {
    process.stderr.write(`sign.mjs: ${error.message}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
}
