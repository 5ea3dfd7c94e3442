using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Mlflow.Webhooks;

/// <summary>
/// The default payload reader, built on the <see cref="WebhookEvent"/> / <see cref="WebhookPayload"/> union generated
/// from the spec (the one list of events): an event is known when <see cref="WebhookEvent.IsKnown"/>, and <c>data</c>
/// matches it when <see cref="WebhookPayload.TryParse(string, string, JsonElement, out WebhookPayload?, out string?)"/>
/// reads it: every required field present and every declared field of its type (a string for a string, an integer
/// that fits, a map of strings). Newer servers are tolerated: undeclared fields are kept in
/// <see cref="WebhookPayloadData.AdditionalData"/> (and in <see cref="VerifiedWebhookDelivery.Data"/>), and an enum
/// value this SDK does not know (a new currency, say) is kept as it is, with <c>IsKnown</c> false.
/// </summary>
public sealed class DefaultWebhookPayloadReader : IWebhookPayloadReader
{
    /// <summary>The shared instance.</summary>
    public static DefaultWebhookPayloadReader Instance { get; } = new();

    /// <inheritdoc />
    public bool IsKnownEvent(string entity, string action) => new WebhookEvent(entity, action).IsKnown;

    /// <inheritdoc />
    public bool TryRead(string entity, string action, JsonElement data, [NotNullWhen(true)] out WebhookPayload? payload, [NotNullWhen(false)] out string? error)
    {
        try
        {
            return WebhookPayload.TryParse(entity, action, data, out payload, out error);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // TryParse is documented not to throw; this keeps Verify's never-throws promise if that ever changes.
            payload = null;
            error = $"data could not be read ({e.GetType().Name})";
            return false;
        }
    }
}
