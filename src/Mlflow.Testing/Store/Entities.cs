using System.Text.Json.Serialization;

namespace Mlflow.Testing.Store;

// The entities the server keeps. Each is one document of its kind in the store (serialised with System.Text.Json as
// declared here); what a document leaves out ([JsonIgnore]) is either derived on load or stored as rows.

/// <summary>String key/value pairs that keep their insertion order (MLflow answers tags in the order they were set).</summary>
internal sealed class TagMap
{
    private readonly List<KeyValuePair<string, string>> items = [];

    public int Count => items.Count;

    public IEnumerable<KeyValuePair<string, string>> Items => items;

    public string? Get(string key)
    {
        foreach (var item in items)
            if (item.Key == key) return item.Value;
        return null;
    }

    public bool Contains(string key) => items.Exists(i => i.Key == key);

    public void Set(string key, string value)
    {
        var index = items.FindIndex(i => i.Key == key);
        if (index >= 0) items[index] = new(key, value);
        else items.Add(new(key, value));
    }

    public bool Remove(string key) => items.RemoveAll(i => i.Key == key) > 0;

    /// <summary>Stored as a JSON object whose member order is the insertion order.</summary>
    internal sealed class Converter : JsonConverter<TagMap>
    {
        public override TagMap Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var map = new TagMap();
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("A tag map is a JSON object.");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                map.items.Add(new(key, reader.GetString() ?? ""));
            }
            return map;
        }

        public override void Write(Utf8JsonWriter writer, TagMap value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            foreach (var (key, text) in value.items) writer.WriteString(key, text);
            writer.WriteEndObject();
        }
    }
}

internal sealed class ExperimentEntity
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required string ArtifactLocation { get; init; }
    public string LifecycleStage { get; set; } = "active";
    public long CreationTime { get; init; }
    public long LastUpdateTime { get; set; }
    public TagMap Tags { get; init; } = new();
}

/// <summary>One logged metric value (a row of kind <c>metric</c>, owned by its run).</summary>
internal sealed record MetricPoint(
    [property: JsonPropertyName("k")] string Key,
    [property: JsonPropertyName("v")] double Value,
    [property: JsonPropertyName("t")] long Timestamp,
    [property: JsonPropertyName("s")] long Step,
    [property: JsonPropertyName("m")] string? ModelId = null,
    [property: JsonPropertyName("dn")] string? DatasetName = null,
    [property: JsonPropertyName("dd")] string? DatasetDigest = null)
{
    /// <summary>MLflow's ordering of "latest": the greatest (step, timestamp, value), NaN lowest.</summary>
    public bool IsLaterThan(MetricPoint other)
    {
        var c = Step.CompareTo(other.Step);
        if (c == 0) c = Timestamp.CompareTo(other.Timestamp);
        if (c == 0) c = (double.IsNaN(Value) ? double.NegativeInfinity : Value).CompareTo(double.IsNaN(other.Value) ? double.NegativeInfinity : other.Value);
        return c > 0;
    }
}

/// <summary>Every value of one metric of a run, in logging order, with its latest value kept current.</summary>
internal sealed class MetricSeries
{
    // MLflow's metrics table has (key, timestamp, step, value, is_nan) in its primary key: logging the same point
    // twice keeps one (so a retried request does not double the history).
    private readonly HashSet<(long Timestamp, long Step, long ValueBits)> seen = [];

    public List<MetricPoint> Points { get; } = [];

    public MetricPoint? Latest { get; private set; }

    /// <summary>Adds a point unless the same (timestamp, step, value) was logged before; true when added.</summary>
    public bool Add(MetricPoint point)
    {
        if (!seen.Add((point.Timestamp, point.Step, BitConverter.DoubleToInt64Bits(double.IsNaN(point.Value) ? double.NaN : point.Value)))) return false;
        Points.Add(point);
        if (Latest is null || point.IsLaterThan(Latest)) Latest = point;
        return true;
    }
}

internal sealed class RunEntity
{
    public required string Id { get; init; }
    public required string ExperimentId { get; init; }
    public required string Name { get; set; }
    public string UserId { get; init; } = "";
    public string Status { get; set; } = "RUNNING";
    public long StartTime { get; init; }
    public long? EndTime { get; set; }
    public long? DeletedTime { get; set; }
    public required string ArtifactUri { get; init; }
    public string LifecycleStage { get; set; } = "active";
    public TagMap Params { get; init; } = new();
    public TagMap Tags { get; init; } = new();

    /// <summary>Logged inputs and outputs, kept as received (log-inputs, log-outputs).</summary>
    public List<Generated.DatasetInput> DatasetInputs { get; init; } = [];
    public List<Generated.ModelInput> ModelInputs { get; init; } = [];
    public List<Generated.ModelOutput> ModelOutputs { get; init; } = [];

    /// <summary>Every logged point per key (rows of kind <c>metric</c>); keys in first-logged order.</summary>
    [JsonIgnore]
    public Dictionary<string, MetricSeries> Metrics { get; } = new(StringComparer.Ordinal);

    [JsonIgnore]
    public List<string> MetricKeys { get; } = [];

    public MetricSeries Series(string key)
    {
        if (!Metrics.TryGetValue(key, out var series))
        {
            Metrics[key] = series = new MetricSeries();
            MetricKeys.Add(key);
        }
        return series;
    }

    /// <summary>MLflow's "latest" value of a metric: the greatest (step, timestamp, value).</summary>
    public MetricPoint? Latest(string key) => Metrics.TryGetValue(key, out var series) ? series.Latest : null;
}

internal sealed class RegisteredModelEntity
{
    public required string Name { get; set; }
    public long CreationTimestamp { get; init; }
    public long LastUpdatedTimestamp { get; set; }
    public string? Description { get; set; }
    public TagMap Tags { get; init; } = new();

    /// <summary>Alias to version number, in the order set.</summary>
    public TagMap Aliases { get; init; } = new();
    public List<ModelVersionEntity> Versions { get; init; } = [];
    public int NextVersion { get; set; } = 1;

    [JsonIgnore]
    public bool IsPrompt => Tags.Get(Prompts.IsPromptTag) == "true";
}

internal sealed class ModelVersionEntity
{
    public required string Name { get; set; }
    public required int Version { get; init; }
    public long CreationTimestamp { get; init; }
    public long LastUpdatedTimestamp { get; set; }
    public string? Description { get; set; }
    public required string Source { get; init; }
    public string RunId { get; init; } = "";
    public string RunLink { get; init; } = "";
    public string CurrentStage { get; set; } = "None";
    public string? ModelId { get; init; }
    public TagMap Tags { get; init; } = new();
}

internal sealed class WebhookEntity
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required string Url { get; set; }
    public required List<WebhookEventKey> Events { get; set; }
    public string? Secret { get; set; }
    public string Status { get; set; } = "ACTIVE";
    public long CreationTimestamp { get; init; }
    public long LastUpdatedTimestamp { get; set; }
}

/// <summary>One subscribed event, as the CRUD API spells it (<c>MODEL_VERSION</c>, <c>CREATED</c>).</summary>
internal sealed record WebhookEventKey(string Entity, string Action);

/// <summary>Reserved tags of prompts (prompts are registered models and versions carrying them).</summary>
internal static class Prompts
{
    public const string IsPromptTag = "mlflow.prompt.is_prompt";
    public const string TextTag = "mlflow.prompt.text";
    public const string TypeTag = "_mlflow_prompt_type";
    public const string ResponseFormatTag = "_mlflow_prompt_response_format";
    public const string ModelConfigTag = "_mlflow_prompt_model_config";

    /// <summary>Tags MLflow drops from prompt event payloads.</summary>
    public static bool IsInternal(string key) => key is IsPromptTag or TextTag or TypeTag or ResponseFormatTag or ModelConfigTag;
}

/// <summary>A logged model (MLflow 3); params and tags are answered sorted by key.</summary>
internal sealed class LoggedModelEntity
{
    public required string Id { get; init; }
    public required string ExperimentId { get; init; }
    public required string Name { get; init; }
    public required string ArtifactUri { get; init; }
    public long CreationTimestamp { get; init; }
    public long LastUpdatedTimestamp { get; set; }
    public string Status { get; set; } = "LOGGED_MODEL_PENDING";
    public string LifecycleStage { get; set; } = "active";
    public string ModelType { get; init; } = "";
    public string SourceRunId { get; init; } = "";
    public Dictionary<string, string> Params { get; init; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Tags { get; init; } = new(StringComparer.Ordinal);
    public List<LoggedModelMetric> Metrics { get; init; } = [];
}

/// <summary>A metric value logged against a logged model (through a run's log-metric with <c>model_id</c>).</summary>
internal sealed record LoggedModelMetric(string Key, double Value, long Timestamp, long Step, string RunId, string? DatasetName, string? DatasetDigest);

/// <summary>An evaluation dataset (MLflow 3 <c>/api/3.0/mlflow/datasets</c>) with its records.</summary>
internal sealed class EvaluationDatasetEntity
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public TagMap Tags { get; init; } = new();
    public string? Schema { get; set; }
    public string? Profile { get; set; }
    public required string Digest { get; set; }
    public long CreatedTime { get; init; }
    public long LastUpdateTime { get; set; }
    public string? CreatedBy { get; init; }
    public string? LastUpdatedBy { get; set; }
    public List<string> ExperimentIds { get; init; } = [];
    public List<DatasetRecordEntity> Records { get; init; } = [];
}

/// <summary>One record of an evaluation dataset; records are told apart by the hash of their inputs.</summary>
internal sealed class DatasetRecordEntity
{
    public required string Id { get; init; }
    public required string InputHash { get; init; }
    public required System.Text.Json.Nodes.JsonObject Inputs { get; init; }
    public System.Text.Json.Nodes.JsonNode? Outputs { get; set; }
    public System.Text.Json.Nodes.JsonObject? Expectations { get; set; }
    public System.Text.Json.Nodes.JsonObject Tags { get; set; } = [];
    public System.Text.Json.Nodes.JsonNode? Source { get; set; }
    public long CreatedTime { get; init; }
    public long LastUpdateTime { get; set; }
    public string? CreatedBy { get; init; }
    public string? LastUpdatedBy { get; set; }
}

/// <summary>A scorer of an experiment: one id per name, numbered versions of its serialised form.</summary>
internal sealed class ScorerEntity
{
    public required string Id { get; init; }
    public required string ExperimentId { get; init; }
    public required string Name { get; init; }
    public List<ScorerVersionEntity> Versions { get; init; } = [];
}

internal sealed record ScorerVersionEntity(int Version, string Serialized, long CreationTime);
