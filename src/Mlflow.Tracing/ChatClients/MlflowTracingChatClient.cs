using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Mlflow.Tracing;

/// <summary>
/// An <see cref="IChatClient"/> decorator that records each call as an MLflow <c>CHAT_MODEL</c> span, as MLflow's
/// OpenAI autologging does: inputs <c>{"messages": [...], "model", "temperature", "max_tokens", ...}</c> in OpenAI's
/// chat format, outputs a chat completion (<c>choices[0].message</c>, <c>finish_reason</c>, <c>usage</c>), and the
/// attributes <c>mlflow.chat.tokenUsage</c>, <c>mlflow.llm.model</c>, <c>mlflow.llm.provider</c>,
/// <c>mlflow.chat.tools</c> and <c>mlflow.message.format</c>. Streaming calls are aggregated into one response; each
/// chunk is also kept as a <c>mlflow.chunk.item.N</c> event. Errors are recorded on the span and rethrown.
/// </summary>
public sealed class MlflowTracingChatClient : DelegatingChatClient
{
    private readonly MlflowChatClientOptions options;
    private readonly ChatClientMetadata? metadata;

    /// <summary>Wraps a chat client.</summary>
    /// <param name="innerClient">The client to trace.</param>
    /// <param name="options">Options (span name, chunk events).</param>
    public MlflowTracingChatClient(IChatClient innerClient, MlflowChatClientOptions? options = null)
        : base(innerClient)
    {
        this.options = options ?? new MlflowChatClientOptions();
        metadata = innerClient.GetService<ChatClientMetadata>();
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        using var span = Start(list, options, streaming: false);
        try
        {
            var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
            Finish(span, response, options);
            return response;
        }
        catch (Exception e)
        {
            span.RecordException(e);
            throw;
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        using var span = Start(list, options, streaming: true);
        var updates = new List<ChatResponseUpdate>();
        IAsyncEnumerator<ChatResponseUpdate> enumerator;
        try
        {
            enumerator = base.GetStreamingResponseAsync(list, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception e)
        {
            span.RecordException(e);
            throw;
        }
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false)) break;
                    update = enumerator.Current;
                }
                catch (Exception e)
                {
                    span.RecordException(e);
                    throw;
                }
                updates.Add(update);
                if (span.IsRecording && updates.Count <= this.options.MaxChunkEvents) AddChunkEvent(span, update, updates.Count - 1);
                yield return update;
            }
        }
        Finish(span, updates.ToChatResponse(), options);
    }

    private MlflowSpan Start(IList<ChatMessage> messages, ChatOptions? chatOptions, bool streaming)
    {
        var model = chatOptions?.ModelId ?? metadata?.DefaultModelId;
        var span = MlflowTracing.StartSpanCore(options.SpanName ?? (model is null ? "chat" : $"chat {model}"), SpanType.ChatModel, ActivityKind.Client);
        if (!span.IsRecording) return span;
        var activity = span.Activity!;
        var inputs = new JsonObject { ["messages"] = ChatJson.Messages(messages) };
        if (model is not null) inputs["model"] = model;
        ChatJson.AddParameters(inputs, chatOptions);
        if (streaming) inputs["stream"] = true;
        span.SetInputs(inputs);
        activity.SetTag(MlflowSpanAttributes.MessageFormat, SpanValues.Quote("openai"));
        if (metadata?.ProviderName is { } provider) activity.SetTag(MlflowSpanAttributes.ModelProvider, SpanValues.Quote(provider));
        if (model is not null) activity.SetTag(MlflowSpanAttributes.Model, SpanValues.Quote(model));
        if (ChatJson.Tools(chatOptions) is { } tools) activity.SetTag(MlflowSpanAttributes.ChatTools, SpanValues.ToJson(tools));
        return span;
    }

    private void Finish(MlflowSpan span, ChatResponse response, ChatOptions? chatOptions)
    {
        if (!span.IsRecording) return;
        var activity = span.Activity!;
        var model = response.ModelId ?? chatOptions?.ModelId ?? metadata?.DefaultModelId;
        span.SetOutputs(ChatJson.Completion(response, model));
        if (model is not null) activity.SetTag(MlflowSpanAttributes.Model, SpanValues.Quote(model));
        if (ChatJson.Usage(response.Usage) is { } usage) activity.SetTag(MlflowSpanAttributes.ChatTokenUsage, SpanValues.ToJson(usage));
    }

    private static void AddChunkEvent(MlflowSpan span, ChatResponseUpdate update, int index)
    {
        span.Activity!.AddEvent(new ActivityEvent(
            MlflowSpanAttributes.StreamChunkEventPrefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            tags: new ActivityTagsCollection { [MlflowSpanAttributes.StreamChunkValue] = SpanValues.ToJson(ChatJson.Chunk(update)) }));
    }
}

/// <summary>Options of <see cref="MlflowTracingChatClient"/>.</summary>
public sealed class MlflowChatClientOptions
{
    /// <summary>The span name (default: <c>chat &lt;model&gt;</c>).</summary>
    public string? SpanName { get; set; }

    /// <summary>How many streamed chunks are kept as span events (default 1000; the aggregated response is always kept).</summary>
    public int MaxChunkEvents { get; set; } = 1000;
}

/// <summary>Adds MLflow tracing to a chat client pipeline.</summary>
public static class MlflowChatClientBuilderExtensions
{
    /// <summary>
    /// Records every call of the pipeline as an MLflow <c>CHAT_MODEL</c> span
    /// (<c>chatClient.AsBuilder().UseMlflowTracing().Build()</c>); export them with <c>AddMlflowExporter</c>.
    /// </summary>
    /// <param name="builder">The chat client builder.</param>
    /// <param name="configure">Options.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseMlflowTracing(this ChatClientBuilder builder, Action<MlflowChatClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new MlflowChatClientOptions();
        configure?.Invoke(options);
        return builder.Use(inner => new MlflowTracingChatClient(inner, options));
    }
}

/// <summary>Microsoft.Extensions.AI chat types in OpenAI's chat JSON, written by hand (no reflection).</summary>
internal static class ChatJson
{
    public static JsonArray Messages(IEnumerable<ChatMessage> messages)
    {
        var array = new JsonArray();
        foreach (var message in messages)
        {
            foreach (var item in Message(message)) array.Add(item);
        }
        return array;
    }

    /// <summary>One message; tool results become one <c>tool</c> message each, as in OpenAI's format.</summary>
    private static IEnumerable<JsonObject> Message(ChatMessage message)
    {
        var results = message.Contents.OfType<FunctionResultContent>().ToList();
        foreach (var result in results)
        {
            yield return new JsonObject { ["role"] = "tool", ["tool_call_id"] = result.CallId, ["content"] = ResultText(result.Result) };
        }
        var calls = message.Contents.OfType<FunctionCallContent>().ToList();
        var text = string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
        if (results.Count > 0 && calls.Count == 0 && text.Length == 0) yield break;
        var json = new JsonObject { ["role"] = message.Role.Value };
        if (message.AuthorName is { } name) json["name"] = name;
        var other = message.Contents.Where(c => c is not TextContent and not FunctionCallContent and not FunctionResultContent).ToList();
        if (other.Count == 0)
        {
            json["content"] = calls.Count > 0 && text.Length == 0 ? null : text;
        }
        else
        {
            var parts = new JsonArray();
            if (text.Length > 0) parts.Add(new JsonObject { ["type"] = "text", ["text"] = text });
            foreach (var content in other) parts.Add(Part(content));
            json["content"] = parts;
        }
        if (calls.Count > 0)
        {
            json["tool_calls"] = new JsonArray(calls.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.CallId,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = Arguments(c.Arguments) },
            }).ToArray());
        }
        yield return json;
    }

    private static JsonObject Part(AIContent content) => content switch
    {
        UriContent uri => new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = uri.Uri.ToString() } },
        DataContent data when data.HasTopLevelMediaType("image") => new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = data.Uri } },
        DataContent data => new JsonObject { ["type"] = "file", ["file"] = new JsonObject { ["mime_type"] = data.MediaType, ["name"] = data.Name } },
        TextReasoningContent reasoning => new JsonObject { ["type"] = "reasoning", ["text"] = reasoning.Text },
        _ => new JsonObject { ["type"] = content.GetType().Name },
    };

    private static string Arguments(IDictionary<string, object?>? arguments)
    {
        if (arguments is null) return "{}";
        var json = new JsonObject();
        foreach (var (key, value) in arguments) json[key] = Value(value);
        return json.ToJsonString();
    }

    private static string ResultText(object? result) => result switch
    {
        null => "",
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString() ?? "",
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        _ => Value(result)?.ToJsonString() ?? "",
    };

    /// <summary>A value from a function call or result: JSON types as they are, other values as their text.</summary>
    private static JsonNode? Value(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement element => JsonNode.Parse(element.GetRawText()),
        string s => s,
        bool b => b,
        int i => i,
        long l => l,
        double d => d,
        float f => f,
        decimal m => m,
        _ => value.ToString(),
    };

    public static void AddParameters(JsonObject inputs, ChatOptions? options)
    {
        if (options is null) return;
        if (options.Temperature is { } temperature) inputs["temperature"] = temperature;
        if (options.MaxOutputTokens is { } maxTokens) inputs["max_tokens"] = maxTokens;
        if (options.TopP is { } topP) inputs["top_p"] = topP;
        if (options.TopK is { } topK) inputs["top_k"] = topK;
        if (options.FrequencyPenalty is { } frequency) inputs["frequency_penalty"] = frequency;
        if (options.PresencePenalty is { } presence) inputs["presence_penalty"] = presence;
        if (options.Seed is { } seed) inputs["seed"] = seed;
        if (options.StopSequences is { Count: > 0 } stop) inputs["stop"] = new JsonArray(stop.Select(s => (JsonNode)s).ToArray());
        if (options.ResponseFormat is ChatResponseFormatJson) inputs["response_format"] = new JsonObject { ["type"] = "json_object" };
        if (Tools(options) is { } tools) inputs["tools"] = tools;
        if (options.ToolMode is RequiredChatToolMode) inputs["tool_choice"] = "required";
        else if (options.ToolMode is NoneChatToolMode) inputs["tool_choice"] = "none";
    }

    public static JsonArray? Tools(ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 } tools) return null;
        var array = new JsonArray();
        foreach (var tool in tools)
        {
            var function = new JsonObject { ["name"] = tool.Name };
            if (!string.IsNullOrEmpty(tool.Description)) function["description"] = tool.Description;
            if (tool is AIFunctionDeclaration declaration) function["parameters"] = JsonNode.Parse(declaration.JsonSchema.GetRawText());
            array.Add(new JsonObject { ["type"] = "function", ["function"] = function });
        }
        return array;
    }

    public static JsonObject Completion(ChatResponse response, string? model)
    {
        var message = response.Messages.LastOrDefault(m => m.Role == ChatRole.Assistant) ?? response.Messages.LastOrDefault();
        var json = new JsonObject { ["object"] = "chat.completion" };
        if (response.ResponseId is { } id) json["id"] = id;
        if (response.CreatedAt is { } created) json["created"] = created.ToUnixTimeSeconds();
        if (model is not null) json["model"] = model;
        var choiceMessage = message is null ? new JsonObject { ["role"] = "assistant", ["content"] = response.Text } : Message(message).Last();
        json["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = choiceMessage,
            ["finish_reason"] = FinishReason(response.FinishReason),
        });
        if (Usage(response.Usage) is { } usage)
        {
            json["usage"] = new JsonObject
            {
                ["prompt_tokens"] = usage["input_tokens"]?.DeepClone(),
                ["completion_tokens"] = usage["output_tokens"]?.DeepClone(),
                ["total_tokens"] = usage["total_tokens"]?.DeepClone(),
            };
        }
        return json;
    }

    public static JsonObject Chunk(ChatResponseUpdate update)
    {
        var delta = new JsonObject();
        if (update.Role is { } role) delta["role"] = role.Value;
        var text = update.Text;
        if (text.Length > 0) delta["content"] = text;
        var json = new JsonObject { ["object"] = "chat.completion.chunk" };
        if (update.ResponseId is { } id) json["id"] = id;
        if (update.ModelId is { } model) json["model"] = model;
        json["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = FinishReason(update.FinishReason) });
        return json;
    }

    public static JsonObject? Usage(UsageDetails? usage)
    {
        if (usage is null || (usage.InputTokenCount is null && usage.OutputTokenCount is null && usage.TotalTokenCount is null)) return null;
        var input = usage.InputTokenCount ?? 0;
        var output = usage.OutputTokenCount ?? 0;
        return new JsonObject
        {
            ["input_tokens"] = input,
            ["output_tokens"] = output,
            ["total_tokens"] = usage.TotalTokenCount ?? input + output,
        };
    }

    private static string? FinishReason(ChatFinishReason? reason) => reason?.Value;
}
