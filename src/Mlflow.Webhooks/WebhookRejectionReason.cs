namespace Mlflow.Webhooks;

/// <summary>Why a webhook delivery was rejected.</summary>
/// <remarks>
/// The checks run in this order: headers, body size, timestamp, signature, then (only for an authentic body)
/// JSON, envelope, event and payload. A reason up to and including <see cref="SignatureMismatch"/> means the
/// delivery is not authenticated; the later ones mean an authentic sender sent something this library cannot use.
/// </remarks>
public enum WebhookRejectionReason
{
    /// <summary>Not rejected: the delivery verified.</summary>
    None = 0,

    /// <summary>A required header (<see cref="WebhookHeaders.DeliveryId"/>, <see cref="WebhookHeaders.Timestamp"/> or
    /// <see cref="WebhookHeaders.Signature"/>) is absent or empty. See <see cref="WebhookVerificationResult.HeaderName"/>.</summary>
    MissingHeader,

    /// <summary>The delivery id or timestamp header is not well formed (a timestamp that is not a decimal
    /// number of seconds, a delivery id with characters outside visible ASCII or longer than 256 characters, a repeated header).</summary>
    MalformedHeader,

    /// <summary>The signature header holds no well-formed <c>v1,&lt;base64 of 32 bytes&gt;</c> entry.</summary>
    MalformedSignature,

    /// <summary>No signature in the header matches any configured secret.</summary>
    SignatureMismatch,

    /// <summary>The timestamp is older than the tolerance allows (a replay or a delayed delivery).</summary>
    StaleTimestamp,

    /// <summary>The timestamp is further in the future than the tolerance allows.</summary>
    FutureTimestamp,

    /// <summary>The body is larger than <see cref="WebhookVerifierOptions.MaxBodyBytes"/>.</summary>
    BodyTooLarge,

    /// <summary>The (authentic) body is not strict JSON: syntax error, invalid UTF-8 or UTF-16, duplicate property names, too deep.</summary>
    MalformedJson,

    /// <summary>The body is JSON but not the delivery envelope <c>{entity, action, timestamp, data, workspace?}</c>
    /// with string <c>entity</c>/<c>action</c>, an ISO-8601 <c>timestamp</c>, an object <c>data</c> and a string or absent <c>workspace</c>.</summary>
    InvalidEnvelope,

    /// <summary>The (entity, action) pair is not an event the payload reader knows.</summary>
    UnknownEvent,

    /// <summary>The <c>data</c> object does not match the payload of its event.</summary>
    PayloadMismatch,
}

/// <summary>Helpers over <see cref="WebhookRejectionReason"/>.</summary>
public static class WebhookRejectionReasonExtensions
{
    /// <summary>True when the reason means the delivery could not be authenticated (headers, signature, timestamp).</summary>
    /// <param name="reason">The rejection reason.</param>
    public static bool IsAuthenticationFailure(this WebhookRejectionReason reason) => reason is
        WebhookRejectionReason.MissingHeader or WebhookRejectionReason.MalformedHeader or
        WebhookRejectionReason.MalformedSignature or WebhookRejectionReason.SignatureMismatch or
        WebhookRejectionReason.StaleTimestamp or WebhookRejectionReason.FutureTimestamp;

    /// <summary>
    /// The HTTP status a receiver should answer: 200 for <see cref="WebhookRejectionReason.None"/>, 401 for an
    /// authentication failure, 413 for <see cref="WebhookRejectionReason.BodyTooLarge"/>, 400 otherwise.
    /// MLflow retries only 429 and 5xx, so none of these answers causes a retry.
    /// </summary>
    /// <param name="reason">The rejection reason.</param>
    public static int ToHttpStatusCode(this WebhookRejectionReason reason) => reason switch
    {
        WebhookRejectionReason.None => 200,
        WebhookRejectionReason.BodyTooLarge => 413,
        _ when reason.IsAuthenticationFailure() => 401,
        _ => 400,
    };

    /// <summary>A snake_case code for the reason (<c>signature_mismatch</c>), safe to send back to the caller.</summary>
    /// <param name="reason">The rejection reason.</param>
    public static string ToCode(this WebhookRejectionReason reason) => reason switch
    {
        WebhookRejectionReason.None => "none",
        WebhookRejectionReason.MissingHeader => "missing_header",
        WebhookRejectionReason.MalformedHeader => "malformed_header",
        WebhookRejectionReason.MalformedSignature => "malformed_signature",
        WebhookRejectionReason.SignatureMismatch => "signature_mismatch",
        WebhookRejectionReason.StaleTimestamp => "stale_timestamp",
        WebhookRejectionReason.FutureTimestamp => "future_timestamp",
        WebhookRejectionReason.BodyTooLarge => "body_too_large",
        WebhookRejectionReason.MalformedJson => "malformed_json",
        WebhookRejectionReason.InvalidEnvelope => "invalid_envelope",
        WebhookRejectionReason.UnknownEvent => "unknown_event",
        WebhookRejectionReason.PayloadMismatch => "payload_mismatch",
        _ => "rejected",
    };
}
