using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Mlflow.Webhooks;

/// <summary>
/// The seam between envelope verification and payload typing: knows the events and turns a delivery's
/// <c>data</c> object into a <see cref="WebhookPayload"/> union case. The default,
/// <see cref="DefaultWebhookPayloadReader"/>, is built on the union generated from the spec.
/// </summary>
/// <remarks>Implementations must not throw on hostile data; a thrown exception is reported as
/// <see cref="WebhookRejectionReason.PayloadMismatch"/>.</remarks>
public interface IWebhookPayloadReader
{
    /// <summary>True when (<paramref name="entity"/>, <paramref name="action"/>) is an event this reader handles (wire names, lower case).</summary>
    /// <param name="entity">The envelope's <c>entity</c>, e.g. <c>model_version</c>.</param>
    /// <param name="action">The envelope's <c>action</c>, e.g. <c>created</c>.</param>
    bool IsKnownEvent(string entity, string action);

    /// <summary>Reads the <c>data</c> object of a known event.</summary>
    /// <param name="entity">The envelope's <c>entity</c>.</param>
    /// <param name="action">The envelope's <c>action</c>.</param>
    /// <param name="data">The envelope's <c>data</c> (a JSON object).</param>
    /// <param name="payload">The union case of the event (its <see cref="WebhookPayload.Timestamp"/> and
    /// <see cref="WebhookPayload.Workspace"/> are set by the verifier from the envelope), or null when the reader
    /// chooses not to type the payload.</param>
    /// <param name="error">When the data does not match the event: a short description that names fields, never values.</param>
    /// <returns>True when the data matches the event.</returns>
    bool TryRead(string entity, string action, JsonElement data, out WebhookPayload? payload, [NotNullWhen(false)] out string? error);
}
