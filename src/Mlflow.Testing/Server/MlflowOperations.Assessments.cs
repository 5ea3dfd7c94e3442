using System.Security.Cryptography;

namespace Mlflow.Testing.Server;

/// <summary>
/// Assessments on traces (feedback and expectations): create, get, update (FieldMask of lowerCamelCase paths,
/// unknown paths ignored) and delete, with MLflow's override rule (an assessment naming another in
/// <c>overrides</c> marks that one invalid; deleting the override makes it valid again).
/// </summary>
internal sealed partial class MlflowOperations
{
    // The operations (overrides of the generated base); each runs its handler below under the state lock.
    public override Task<ActionResult<G.CreateAssessmentResponse>> CreateAssessmentAsync(G.CreateAssessment body, string trace_id) => Write(() => CreateAssessmentCore(body, trace_id));
    public override Task<ActionResult<G.GetAssessmentRequestResponse>> GetAssessmentAsync(string trace_id, string assessment_id) => Read(() => GetAssessmentCore(trace_id, assessment_id));
    public override Task<ActionResult<G.UpdateAssessmentResponse>> UpdateAssessmentAsync(G.UpdateAssessment body, string trace_id, string assessment_id) => Write(() => UpdateAssessmentCore(body, trace_id, assessment_id));
    public override Task<ActionResult<G.DeleteAssessmentResponse>> DeleteAssessmentAsync(G.DeleteAssessment? body, string trace_id, string assessment_id) => Write(() => DeleteAssessmentCore(body, trace_id, assessment_id));

    private static readonly JsonElement NullElement = JsonDocument.Parse("null").RootElement;

    private G.CreateAssessmentResponse CreateAssessmentCore(G.CreateAssessment body, string trace_id)
    {
        var input = body.Assessment ?? throw MlflowError.MissingParameter("assessment");
        var traceId = string.IsNullOrEmpty(input.Trace_id) ? trace_id : input.Trace_id;
        if (input.Source is null) throw MlflowError.MissingParameter("source");
        if (input.Feedback is null && input.Expectation is null) throw MlflowError.InvalidParameter("Exactly one of `expectation` or `feedback` should be specified.");
        if (input.Feedback is not null && input.Expectation is not null) throw MlflowError.InvalidParameter("Exactly one of `expectation` or `feedback` should be specified.");
        lock (state.Gate)
        {
            // MLflow answers an unknown trace with the database's foreign-key error as BAD_REQUEST.
            var trace = traces.Find(traceId) ?? throw new MlflowError("BAD_REQUEST", $"Trace with ID {traceId} is not found (FOREIGN KEY constraint failed).", 400);
            var now = Now();
            var record = new AssessmentRecord
            {
                AssessmentId = "a-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                TraceId = trace.TraceId,
                CreateTimeMs = now,
                LastUpdateTimeMs = now,
                Name = input.Assessment_name ?? "",
                SpanId = input.Span_id,
                SourceType = input.Source.Source_type.ToString(),
                SourceId = input.Source.Source_id,
                Rationale = input.Rationale,
                Overrides = input.Overrides,
            };
            SetValue(record, input);
            foreach (var (k, v) in input.Metadata ?? new Dictionary<string, string>()) record.Metadata[k] = v;
            if (record.Overrides is { } overridden)
            {
                var old = trace.Assessments.Find(a => a.AssessmentId == overridden)
                    ?? throw MlflowError.NotFound($"Assessment with ID '{overridden}' not found for trace '{trace.TraceId}'");
                old.Valid = false;
            }
            trace.Assessments.Add(record);
            return new G.CreateAssessmentResponse { Assessment = ToAssessmentDto(record) };
        }
    }

    private G.GetAssessmentRequestResponse GetAssessmentCore(string trace_id, string assessment_id)
    {
        lock (state.Gate) return new G.GetAssessmentRequestResponse { Assessment = ToAssessmentDto(FindAssessment(trace_id, assessment_id).Assessment) };
    }

    private G.UpdateAssessmentResponse UpdateAssessmentCore(G.UpdateAssessment body, string trace_id, string assessment_id)
    {
        var input = body.Assessment ?? throw MlflowError.MissingParameter("assessment");
        var mask = MlflowError.Required(body.Update_mask, "update_mask");
        lock (state.Gate)
        {
            var (_, record) = FindAssessment(trace_id, assessment_id);
            foreach (var path in mask.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                switch (path)
                {
                    case "assessmentName" or "assessment_name":
                        record.Name = input.Assessment_name ?? "";
                        break;
                    case "rationale":
                        record.Rationale = input.Rationale;
                        break;
                    case "metadata":
                        record.Metadata.Clear();
                        foreach (var (k, v) in input.Metadata ?? new Dictionary<string, string>()) record.Metadata[k] = v;
                        break;
                    case "feedback" or "expectation":
                        if (input.Feedback is not null || input.Expectation is not null) SetValue(record, input);
                        break;
                    default:
                        break; // MLflow ignores paths it does not know.
                }
            }
            record.LastUpdateTimeMs = Now();
            return new G.UpdateAssessmentResponse { Assessment = ToAssessmentDto(record) };
        }
    }

    private G.DeleteAssessmentResponse DeleteAssessmentCore(G.DeleteAssessment? body, string trace_id, string assessment_id)
    {
        lock (state.Gate)
        {
            var (trace, record) = FindAssessment(trace_id, assessment_id);
            trace.Assessments.Remove(record);
            if (record.Overrides is { } overridden && trace.Assessments.Find(a => a.AssessmentId == overridden) is { } restored) restored.Valid = true;
            return new G.DeleteAssessmentResponse();
        }
    }

    private (TraceRecord Trace, AssessmentRecord Assessment) FindAssessment(string traceId, string assessmentId)
    {
        var trace = traces.Find(traceId) ?? throw MlflowError.NotFound($"Trace with ID '{traceId}' not found.");
        var record = trace.Assessments.Find(a => a.AssessmentId == assessmentId)
            ?? throw MlflowError.NotFound($"Assessment with ID '{assessmentId}' not found for trace '{traceId}'");
        return (trace, record);
    }

    private static void SetValue(AssessmentRecord record, G.Assessment input)
    {
        record.ErrorCode = record.ErrorMessage = record.ErrorStackTrace = null;
        if (input.Feedback is { } feedback)
        {
            record.IsExpectation = false;
            record.HasValue = feedback.Value is not null;
            record.Value = ToNode(feedback.Value);
            var error = feedback.Error ?? input.Error;
            record.ErrorCode = error?.Error_code;
            record.ErrorMessage = error?.Error_message;
            record.ErrorStackTrace = error?.Stack_trace;
        }
        else if (input.Expectation is { } expectation)
        {
            record.IsExpectation = true;
            if (expectation.Serialized_value is { Value: { } serialized })
            {
                record.Value = TraceJson.Parse(serialized);
                record.HasValue = true;
            }
            else
            {
                record.Value = ToNode(expectation.Value);
                record.HasValue = expectation.Value is not null;
            }
        }
    }

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonElement { ValueKind: JsonValueKind.Null } => null,
        JsonElement e => JsonNode.Parse(e.GetRawText()),
        JsonNode n => n.DeepClone(),
        _ => JsonSerializer.SerializeToNode(value),
    };

    private static G.Assessment ToAssessmentDto(AssessmentRecord a)
    {
        var dto = new G.Assessment
        {
            Assessment_id = a.AssessmentId,
            Assessment_name = a.Name,
            Trace_id = a.TraceId,
            Span_id = a.SpanId,
            Source = new G.AssessmentSource
            {
                Source_type = Enum.TryParse<G.AssessmentSourceSourceType>(a.SourceType, out var type) ? type : G.AssessmentSourceSourceType.SOURCE_TYPE_UNSPECIFIED,
                Source_id = a.SourceId ?? "",
            },
            Create_time = DateTimeOffset.FromUnixTimeMilliseconds(a.CreateTimeMs),
            Last_update_time = DateTimeOffset.FromUnixTimeMilliseconds(a.LastUpdateTimeMs),
            Rationale = a.Rationale,
            Metadata = a.Metadata.Count == 0 ? null : new Dictionary<string, string>(a.Metadata, StringComparer.Ordinal),
            Overrides = a.Overrides,
            Valid = a.Valid,
        };
        var value = a.Value is null ? (object?)null : JsonSerializer.Deserialize<JsonElement>(a.Value.ToJsonString());
        if (a.IsExpectation)
        {
            // MLflow answers primitive expectations as a Value, structured ones as JSON text.
            dto.Expectation = a.Value is JsonObject or JsonArray
                ? new G.Expectation { Serialized_value = new G.ExpectationSerializedValue { Serialization_format = "JSON_FORMAT", Value = TraceJson.Write(a.Value) } }
                : new G.Expectation { Value = value };
        }
        else
        {
            dto.Feedback = new G.Feedback
            {
                // A feedback without a value (an error) still shows "value": null, as MLflow's answer does.
                Value = value ?? NullElement,
                Error = a.ErrorCode is null && a.ErrorMessage is null ? null : new G.AssessmentError { Error_code = a.ErrorCode, Error_message = a.ErrorMessage, Stack_trace = a.ErrorStackTrace },
            };
        }
        return dto;
    }
}
