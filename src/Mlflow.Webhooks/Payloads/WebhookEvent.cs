namespace Mlflow.Webhooks;

/// <summary>
/// A webhook event: the (entity, action) pair of a delivery, with MLflow's wire names (<c>model_version</c>,
/// <c>created</c>). The events of the spec are static members (generated); any other pair is an unknown event.
/// </summary>
/// <param name="Entity">The wire entity, e.g. <c>model_version</c>.</param>
/// <param name="Action">The wire action, e.g. <c>created</c>.</param>
public readonly partial record struct WebhookEvent(string Entity, string Action)
{
    /// <summary>True when this is one of the events in <see cref="All"/>.</summary>
    public bool IsKnown => WebhookPayload.TypeFor(this) != null;

    /// <summary>The event key as MLflow writes it: <c>entity.action</c>.</summary>
    /// <returns>The key.</returns>
    public override string ToString() => Entity + "." + Action;

    /// <summary>Reads an <c>entity.action</c> key (the action is everything after the first dot).</summary>
    /// <param name="key">The key, e.g. <c>model_version_alias.created</c>.</param>
    /// <returns>The event (known or not).</returns>
    /// <exception cref="FormatException">The key has no dot or an empty part.</exception>
    public static WebhookEvent Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == key.Length - 1)
        {
            throw new FormatException("A webhook event key is 'entity.action', got '" + key + "'.");
        }

        return new WebhookEvent(key[..dot], key[(dot + 1)..]);
    }
}
