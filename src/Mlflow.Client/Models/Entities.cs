namespace Mlflow.Client.Models;

// Constructors for the entities callers build (the generated classes keep their parameterless constructors for the
// deserializer). Defaults follow MLflow's Python client: a metric's timestamp is now, its step 0.

public partial class Metric
{
    /// <summary>A metric value to log, as Python's <c>Metric(key, value, timestamp, step)</c>.</summary>
    /// <param name="key">The metric name (up to 250 characters: letters, digits and <c>_ - . / space</c>).</param>
    /// <param name="value">The value; NaN and infinities are allowed.</param>
    /// <param name="timestamp">When it was measured, in milliseconds since the Unix epoch (null: now).</param>
    /// <param name="step">The training step (0 unless given).</param>
    public Metric(string key, double value, long? timestamp = null, long step = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        Key = key;
        Value = value;
        Timestamp = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Step = step;
    }
}

public partial class Param
{
    /// <summary>A parameter to log (params are written once per run).</summary>
    /// <param name="key">The parameter name (up to 250 characters).</param>
    /// <param name="value">Its value (up to 6,000 characters).</param>
    public Param(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        Key = key;
        Value = value;
    }
}

public partial class RunTag
{
    /// <summary>A run tag.</summary>
    /// <param name="key">The tag name (up to 250 characters).</param>
    /// <param name="value">Its value (up to 8,000 characters).</param>
    public RunTag(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        Key = key;
        Value = value;
    }
}

public partial class ExperimentTag
{
    /// <summary>An experiment tag.</summary>
    /// <param name="key">The tag name.</param>
    /// <param name="value">Its value.</param>
    public ExperimentTag(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        Key = key;
        Value = value;
    }
}

public partial class RegisteredModelTag
{
    /// <summary>A registered model tag.</summary>
    /// <param name="key">The tag name.</param>
    /// <param name="value">Its value.</param>
    public RegisteredModelTag(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        Key = key;
        Value = value;
    }
}

public partial class ModelVersionTag
{
    /// <summary>A model version tag.</summary>
    /// <param name="key">The tag name.</param>
    /// <param name="value">Its value.</param>
    public ModelVersionTag(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        Key = key;
        Value = value;
    }
}

public partial class InputTag
{
    /// <summary>A tag of a dataset input (for example <c>mlflow.data.context</c> = <c>training</c>).</summary>
    /// <param name="key">The tag name.</param>
    /// <param name="value">Its value.</param>
    public InputTag(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        Key = key;
        Value = value;
    }
}

public partial class Dataset
{
    /// <summary>A dataset as MLflow records it on a run's inputs.</summary>
    /// <param name="name">The dataset's name.</param>
    /// <param name="digest">A short fingerprint of its content (MLflow uses up to 36 characters).</param>
    /// <param name="sourceType">The kind of source (<c>local</c>, <c>http</c>, <c>s3</c>, <c>code</c>...).</param>
    /// <param name="source">Where it comes from, usually a JSON object such as <c>{"uri": "..."}</c>.</param>
    /// <param name="schema">Its schema as JSON (optional).</param>
    /// <param name="profile">Summary statistics as JSON (optional).</param>
    public Dataset(string name, string digest, string sourceType, string source, string? schema = null, string? profile = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(digest);
        ArgumentException.ThrowIfNullOrEmpty(sourceType);
        ArgumentNullException.ThrowIfNull(source);
        Name = name;
        Digest = digest;
        SourceType = sourceType;
        Source = source;
        Schema = schema;
        Profile = profile;
    }
}

public partial class DatasetInput
{
    /// <summary>A dataset used by a run, with its input tags (such as the context <c>training</c>).</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="tags">Tags of this use of the dataset.</param>
    public DatasetInput(Dataset dataset, params IEnumerable<InputTag> tags)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Dataset = dataset;
        Tags = [.. tags];
    }
}

public partial class ModelInput
{
    /// <summary>A logged model used by a run.</summary>
    /// <param name="modelId">The logged model's id.</param>
    public ModelInput(string modelId)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ModelId = modelId;
    }
}

public partial class ModelOutput
{
    /// <summary>A logged model produced by a run at a step.</summary>
    /// <param name="modelId">The logged model's id.</param>
    /// <param name="step">The step at which it was produced.</param>
    public ModelOutput(string modelId, long step = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ModelId = modelId;
        Step = step;
    }
}

public partial class WebhookEventEntry
{
    /// <summary>A webhook event as the registry stores it (entity and action).</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="action">The action.</param>
    public WebhookEventEntry(WebhookEntity entity, WebhookAction action)
    {
        Entity = entity;
        Action = action;
    }

    /// <summary>
    /// The event of <see cref="Mlflow.Webhooks.WebhookEvent"/> (the type deliveries carry, with one member per event such as
    /// <c>WebhookEvent.ModelVersionCreated</c>), so webhook creation takes the same names.
    /// </summary>
    /// <param name="webhookEvent">The event.</param>
    /// <exception cref="ArgumentException">The entity or action is not one this SDK knows.</exception>
    public static implicit operator WebhookEventEntry(Mlflow.Webhooks.WebhookEvent webhookEvent)
    {
        // Deliveries name events in lower case (model_version.created); the registry API's enums are upper case.
        if (!WebhookEntityWireNames.TryParse(webhookEvent.Entity?.ToUpperInvariant(), out var entity) || !WebhookActionWireNames.TryParse(webhookEvent.Action?.ToUpperInvariant(), out var action))
        {
            throw new ArgumentException($"The webhook event '{webhookEvent}' is not one this SDK knows.", nameof(webhookEvent));
        }

        return new WebhookEventEntry(entity, action);
    }
}
