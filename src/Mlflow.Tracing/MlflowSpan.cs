using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace Mlflow.Tracing;

/// <summary>
/// A live MLflow span: an <see cref="System.Diagnostics.Activity"/> whose MLflow attributes (type, inputs, outputs)
/// are written the way MLflow's Python SDK writes them. Disposing it ends the span; a span that did not record an
/// error ends with status OK, as MLflow's spans do. When nothing listens to <see cref="MlflowTracing.ActivitySourceName"/>
/// (tracing off or the trace not sampled) the span is a no-op: every call is safe and cheap.
/// </summary>
public sealed class MlflowSpan : IDisposable
{
    private int ended;

    internal MlflowSpan(Activity? activity) => Activity = activity;

    /// <summary>The activity underneath, or <see langword="null"/> for a no-op span.</summary>
    public Activity? Activity { get; }

    /// <summary>Whether the span records anything.</summary>
    public bool IsRecording => Activity is { IsAllDataRequested: true };

    /// <summary>The MLflow trace id (<c>tr-</c> + 32 hex digits), or <see langword="null"/> for a no-op span.</summary>
    public string? TraceId => Activity is { } a ? MlflowTracing.ToMlflowTraceId(a.TraceId) : null;

    /// <summary>The span id (16 hex digits), or <see langword="null"/> for a no-op span.</summary>
    public string? SpanId => Activity?.SpanId.ToHexString();

    /// <summary>Sets the span type (see <see cref="Tracing.SpanType"/>).</summary>
    /// <param name="spanType">The type.</param>
    /// <returns>This span.</returns>
    public MlflowSpan SetSpanType(string spanType)
    {
        ArgumentException.ThrowIfNullOrEmpty(spanType);
        Activity?.SetTag(MlflowSpanAttributes.SpanType, SpanValues.Quote(spanType));
        return this;
    }

    /// <summary>Sets the inputs: any value, serialized to JSON (an anonymous object gives a JSON object).</summary>
    /// <param name="inputs">The inputs.</param>
    /// <returns>This span.</returns>
    [RequiresUnreferencedCode("Serializes the value with reflection; pass a JsonNode to avoid it.")]
    [RequiresDynamicCode("Serializes the value with reflection; pass a JsonNode to avoid it.")]
    public MlflowSpan SetInputs(object? inputs)
    {
        if (IsRecording) Activity!.SetTag(MlflowSpanAttributes.Inputs, SpanValues.ToJson(inputs));
        return this;
    }

    /// <summary>Sets the inputs from JSON.</summary>
    /// <param name="inputs">The inputs.</param>
    /// <returns>This span.</returns>
    public MlflowSpan SetInputs(JsonNode? inputs)
    {
        if (IsRecording) Activity!.SetTag(MlflowSpanAttributes.Inputs, SpanValues.ToJson(inputs));
        return this;
    }

    /// <summary>Sets the outputs: any value, serialized to JSON.</summary>
    /// <param name="outputs">The outputs.</param>
    /// <returns>This span.</returns>
    [RequiresUnreferencedCode("Serializes the value with reflection; pass a JsonNode to avoid it.")]
    [RequiresDynamicCode("Serializes the value with reflection; pass a JsonNode to avoid it.")]
    public MlflowSpan SetOutputs(object? outputs)
    {
        if (IsRecording) Activity!.SetTag(MlflowSpanAttributes.Outputs, SpanValues.ToJson(outputs));
        return this;
    }

    /// <summary>Sets the outputs from JSON.</summary>
    /// <param name="outputs">The outputs.</param>
    /// <returns>This span.</returns>
    public MlflowSpan SetOutputs(JsonNode? outputs)
    {
        if (IsRecording) Activity!.SetTag(MlflowSpanAttributes.Outputs, SpanValues.ToJson(outputs));
        return this;
    }

    /// <summary>Sets an attribute; the value is stored as JSON, as MLflow's <c>span.set_attribute</c> does.</summary>
    /// <param name="key">Attribute key.</param>
    /// <param name="value">Value.</param>
    /// <returns>This span.</returns>
    [RequiresUnreferencedCode("Serializes the value with reflection.")]
    [RequiresDynamicCode("Serializes the value with reflection.")]
    public MlflowSpan SetAttribute(string key, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (IsRecording) Activity!.SetTag(key, SpanValues.ToJson(value));
        return this;
    }

    /// <summary>Sets several attributes (see <see cref="SetAttribute"/>).</summary>
    /// <param name="attributes">Keys and values.</param>
    /// <returns>This span.</returns>
    [RequiresUnreferencedCode("Serializes the values with reflection.")]
    [RequiresDynamicCode("Serializes the values with reflection.")]
    public MlflowSpan SetAttributes(IEnumerable<KeyValuePair<string, object?>> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        foreach (var (key, value) in attributes) SetAttribute(key, value);
        return this;
    }

    /// <summary>Sets the status; an error status keeps its description (shown by MLflow's UI).</summary>
    /// <param name="status">OK or error.</param>
    /// <param name="description">Error description.</param>
    /// <returns>This span.</returns>
    public MlflowSpan SetStatus(ActivityStatusCode status, string? description = null)
    {
        Activity?.SetStatus(status, description);
        return this;
    }

    /// <summary>
    /// Records an exception as MLflow does: an <c>exception</c> event (<c>exception.type</c>, <c>exception.message</c>,
    /// <c>exception.stacktrace</c>) and the error status <c>"Type: message"</c>.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <returns>This span.</returns>
    public MlflowSpan RecordException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var activity = Activity;
        if (activity is null) return this;
        var type = exception.GetType().Name;
        activity.AddEvent(new ActivityEvent("exception", tags: new ActivityTagsCollection
        {
            ["exception.type"] = type,
            ["exception.message"] = exception.Message,
            ["exception.stacktrace"] = exception.ToString(),
        }));
        activity.SetStatus(ActivityStatusCode.Error, $"{type}: {exception.Message}");
        return this;
    }

    /// <summary>Adds an event with plain attributes.</summary>
    /// <param name="name">Event name.</param>
    /// <param name="attributes">Attributes (strings, numbers, booleans).</param>
    /// <returns>This span.</returns>
    public MlflowSpan AddEvent(string name, IEnumerable<KeyValuePair<string, object?>>? attributes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Activity?.AddEvent(new ActivityEvent(name, tags: attributes is null ? null : new ActivityTagsCollection(attributes)));
        return this;
    }

    /// <summary>Ends the span (status OK unless an error was recorded). Later calls do nothing.</summary>
    public void End()
    {
        if (Interlocked.Exchange(ref ended, 1) != 0) return;
        var activity = Activity;
        if (activity is null) return;
        if (activity.Status != ActivityStatusCode.Error) activity.SetStatus(ActivityStatusCode.Ok);
        activity.Stop();
    }

    /// <summary>Ends the span.</summary>
    public void Dispose() => End();
}
