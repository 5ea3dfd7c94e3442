using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Kiota.Abstractions.Serialization;
using Mlflow.Client;
using Mlflow.TestSupport;
using Xunit.Abstractions;

namespace Mlflow.Fuzz.Tests;

/// <summary>
/// A newer MLflow's answers: every recorded success answer of the wire corpus replayed through the client's parse
/// path with an unknown field added to every object and every enum-looking value (<c>RUNNING</c>, <c>READY</c>, ...)
/// replaced by one this SDK does not know. Nothing is rejected, everything is written back as it came, and each
/// unknown value is reachable as the raw string in the <c>AdditionalData</c> of the model that carried it.
/// </summary>
public sealed partial class ForwardCompatibilityTests(ITestOutputHelper output)
{
    private const string FutureField = "zz_field_from_a_newer_mlflow";

    [Fact]
    public void Recorded_answers_with_unknown_enum_values_and_fields_are_kept_and_surfaced()
    {
        int answers = 0, enums = 0, fields = 0;
        var failures = new List<string>();
        foreach (var exchange in WireCorpus.Exchanges)
        {
            if (exchange.Status is < 200 or > 299 || WireExchange.MediaType(exchange.Response) != "application/json") continue;
            var op = Operation(exchange);
            if (op?.ResponseFactory is null || op.ResponseKind != MlflowResponseKind.Model) continue;
            // LenientJson: Flask writes bare NaN/Infinity tokens; MLflow's proto routes read them as "NaN"/"Infinity".
            if (LenientJson.Parse(Encoding.UTF8.GetString(WireExchange.RawBytes(exchange.Response))) is not JsonObject body) continue;

            var injected = new List<(string Name, string Value)>();
            fields += Inject(body, injected);
            enums += injected.Count;
            answers++;
            var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
            try
            {
                var model = ModelFuzz.Parse(new ModelInfo(op.ResponseType!, op.ResponseFactory, []), bytes);
                using var written = JsonDocument.Parse(ModelFuzz.Write(model));
                using var input = JsonDocument.Parse(bytes);
                if (JsonLoss.Difference(input.RootElement, written.RootElement) is { } loss) failures.Add($"{exchange}: {loss}");

                var kept = new HashSet<(string, string)>();
                Collect(model, kept, 0);
                // A value found in a typed string property belongs to a field declared as a string, not an enum.
                foreach (var pair in injected.Where(p => !kept.Contains(p) && !kept.Contains(("<string>", p.Value))))
                {
                    failures.Add($"{exchange}: {pair.Name}={pair.Value} not in any AdditionalData");
                }

                if (!kept.Any(k => k.Item1 == FutureField)) failures.Add($"{exchange}: unknown field not kept");
            }
            catch (Exception ex)
            {
                failures.Add($"{exchange}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        output.WriteLine($"{answers} recorded answers, {enums} unknown enum values and {fields} unknown fields injected; {failures.Count} failures");
        foreach (var failure in failures.Take(20)) output.WriteLine(failure);
        Assert.True(answers > 200, $"{answers} answers");
        Assert.True(enums > 100, $"{enums} enum values");
        Assert.Empty(failures);
    }

    /// <summary>A required enum whose wire value is unknown is not read as a known member: reading it throws with the raw value, which stays in AdditionalData.</summary>
    [Fact]
    public void An_unknown_required_enum_value_is_not_read_as_a_known_member()
    {
        var json = """{"run_id": "r", "run_uuid": "r", "run_name": "n", "experiment_id": "0", "user_id": "u", "status": "PAUSED_BY_A_NEWER_MLFLOW", "start_time": 1, "artifact_uri": "a", "lifecycle_stage": "active"}"""u8.ToArray();
        var info = (Mlflow.Client.Models.RunInfo)ModelFuzz.Parse(ModelFuzz.Models.Single(m => m.Type == typeof(Mlflow.Client.Models.RunInfo)), json);
        Assert.Equal("PAUSED_BY_A_NEWER_MLFLOW", ((UntypedString)info.AdditionalData["status"]).GetValue());
        var error = Assert.Throws<Mlflow.Client.Serialization.MlflowMissingFieldException>(() => info.Status);
        Assert.Equal("PAUSED_BY_A_NEWER_MLFLOW", error.RawValue);
        Assert.Equal("status", error.FieldName);
        // Absent (not unknown) keeps the documented default.
        var absent = (Mlflow.Client.Models.RunInfo)ModelFuzz.Parse(ModelFuzz.Models.Single(m => m.Type == typeof(Mlflow.Client.Models.RunInfo)), """{"run_id": "r"}"""u8.ToArray());
        Assert.Equal(Mlflow.Client.Models.RunStatus.Running, absent.Status);
    }

    [Fact]
    public void An_unknown_enum_value_is_reachable_as_the_raw_string()
    {
        var json = """{"run_id": "r", "status": "PAUSED_BY_A_NEWER_MLFLOW", "zz_new": {"a": [1, "x"]}}"""u8.ToArray();
        var info = (Mlflow.Client.Models.RunInfo)ModelFuzz.Parse(ModelFuzz.Models.Single(m => m.Type == typeof(Mlflow.Client.Models.RunInfo)), json);
        Assert.Equal("PAUSED_BY_A_NEWER_MLFLOW", Assert.IsType<UntypedString>(info.AdditionalData["status"]).GetValue());
        Assert.IsType<UntypedObject>(info.AdditionalData["zz_new"]);
        Assert.Contains("\"status\":\"PAUSED_BY_A_NEWER_MLFLOW\"", Encoding.UTF8.GetString(ModelFuzz.Write(info)), StringComparison.Ordinal);
    }

    private static MlflowOperation? Operation(WireExchange exchange)
    {
        var shape = Placeholder().Replace(exchange.PathTemplate, "{}");
        var candidates = MlflowOperations.All.Where(o => o.HttpMethod == exchange.Method && Placeholder().Replace(o.PathTemplate, "{}") == shape).ToList();
        return candidates.Count == 1 ? candidates[0] : null;
    }

    // Adds the unknown field to every object and replaces enum-looking strings; returns the number of objects touched.
    private static int Inject(JsonNode node, List<(string, string)> enums)
    {
        var count = 0;
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (value is JsonValue v && v.TryGetValue<string>(out var s) && EnumLike().IsMatch(s))
                    {
                        var future = "FUTURE_" + s;
                        obj[name] = future;
                        enums.Add((name, future));
                    }
                    else if (value is not null)
                    {
                        count += Inject(value, enums);
                    }
                }

                obj[FutureField] = new JsonObject { ["since"] = "3.12.0", ["values"] = new JsonArray(1, "two", 3.5) };
                return count + 1;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null and not JsonValue) count += Inject(item, enums);
                }

                return count;
            default:
                return 0;
        }
    }

    private static void Collect(object? value, HashSet<(string, string)> kept, int depth)
    {
        if (value is null || depth > 40) return;
        if (value is string text)
        {
            kept.Add(("<string>", text));
            return;
        }

        if (value is UntypedObject untypedObject)
        {
            foreach (var (key, node) in untypedObject.GetValue())
            {
                if (node is UntypedString s) kept.Add((key, s.GetValue() ?? string.Empty));
                else Collect(node, kept, depth + 1);
            }

            return;
        }

        if (value is UntypedArray untypedArray)
        {
            foreach (var node in untypedArray.GetValue()) Collect(node, kept, depth + 1);
            return;
        }

        if (value is IAdditionalDataHolder holder && value is IParsable)
        {
            foreach (var (key, raw) in holder.AdditionalData)
            {
                kept.Add((key, raw is UntypedString s ? s.GetValue() ?? string.Empty : "<" + raw?.GetType().Name + ">"));
                if (raw is UntypedObject or UntypedArray) Collect(raw, kept, depth + 1);
            }

            foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length > 0 || property.Name == nameof(IAdditionalDataHolder.AdditionalData)) continue;
                if (property.PropertyType.IsPrimitive || Nullable.GetUnderlyingType(property.PropertyType) is not null || property.PropertyType.IsEnum) continue;
                object? child;
                try
                {
                    child = property.GetValue(value);
                }
                catch (TargetInvocationException)
                {
                    continue; // a required field the answer did not carry
                }

                if (child is string childText) kept.Add(("<string>", childText));
                else Collect(child, kept, depth + 1);
            }
        }
        else if (value is IEnumerable items and not string)
        {
            foreach (var item in items)
            {
                Collect(item is DictionaryEntry e ? e.Value : item?.GetType().Name.StartsWith("KeyValuePair", StringComparison.Ordinal) == true ? item.GetType().GetProperty("Value")!.GetValue(item) : item, kept, depth + 1);
            }
        }
    }

    [GeneratedRegex("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$|^(RUNNING|FINISHED|FAILED|KILLED|SCHEDULED|READY|ACTIVE|DISABLED|PENDING|OK|ERROR)$")]
    private static partial Regex EnumLike();

    [GeneratedRegex("\\{[^}]*\\}")]
    private static partial Regex Placeholder();
}
