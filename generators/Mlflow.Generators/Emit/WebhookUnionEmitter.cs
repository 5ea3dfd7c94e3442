using System.Linq;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Emit
{
    /// <summary>
    /// Writes <c>WebhookEvent</c> and the <c>WebhookPayload</c> union (one sealed case per event of the spec's
    /// <c>webhooks</c>), with exhaustive <c>Match</c>/<c>Switch</c>, delivery parsing, <c>TypeFor</c> and <c>ExampleFor</c>.
    /// </summary>
    internal static class WebhookUnionEmitter
    {
        private const string Json = "global::System.Text.Json";

        public static string HintName(UnionPlan p) => p.Namespace + ".WebhookPayload.g.cs";

        public static string Emit(UnionPlan plan)
        {
            var w = new CodeWriter().Header();
            w.Open("namespace " + plan.Namespace);
            EmitEvent(w, plan);
            w.Line();
            EmitPayload(w, plan);
            w.Close();
            return w.ToString();
        }

        private static string Param(WebhookCasePlan c) => Identifiers.Camel(c.CaseName);

        private static void EmitEvent(CodeWriter w, UnionPlan plan)
        {
            w.Line("/// <summary>A webhook event: the (entity, action) pair of a delivery, with MLflow's wire names (<c>model_version</c>, <c>created</c>).</summary>");
            w.Line("/// <param name=\"Entity\">The wire entity, e.g. <c>model_version</c>.</param>");
            w.Line("/// <param name=\"Action\">The wire action, e.g. <c>created</c>.</param>");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
            w.Open("public readonly record struct WebhookEvent(string Entity, string Action)");
            foreach (var c in plan.Cases)
            {
                w.Line("/// <summary><c>" + Identifiers.Xml(c.Entity + "." + c.Action) + "</c>: " + Identifiers.Xml(c.Summary ?? "") + "</summary>");
                w.Line("public static WebhookEvent " + c.CaseName + " { get; } = new WebhookEvent(" + Identifiers.Literal(c.Entity) + ", " + Identifiers.Literal(c.Action) + ");");
                w.Line();
            }

            w.Line("/// <summary>Every event of the spec, in spec order.</summary>");
            w.Line("public static global::System.Collections.Generic.IReadOnlyList<WebhookEvent> All { get; } = new WebhookEvent[] { " + string.Join(", ", plan.Cases.Select(c => c.CaseName)) + " };");
            w.Line();
            w.Line("/// <summary>True when this is one of the events in <see cref=\"All\"/>.</summary>");
            w.Line("public bool IsKnown => WebhookPayload.TypeFor(this) != null;");
            w.Line();
            w.Line("/// <summary>The event key as MLflow writes it: <c>entity.action</c>.</summary>");
            w.Line("/// <returns>The key.</returns>");
            w.Line("public override string ToString() => Entity + \".\" + Action;");
            w.Line();
            w.Line("/// <summary>Reads an <c>entity.action</c> key (the action is everything after the first dot).</summary>");
            w.Line("/// <param name=\"key\">The key, e.g. <c>model_version_alias.created</c>.</param>");
            w.Line("/// <returns>The event (known or not).</returns>");
            w.Line("/// <exception cref=\"global::System.FormatException\">The key has no dot or an empty part.</exception>");
            w.Open("public static WebhookEvent Parse(string key)");
            w.Line("global::System.ArgumentNullException.ThrowIfNull(key);");
            w.Line("var dot = key.IndexOf('.');");
            w.Line("if (dot <= 0 || dot == key.Length - 1) throw new global::System.FormatException(\"A webhook event key is 'entity.action', got '\" + key + \"'.\");");
            w.Line("return new WebhookEvent(key.Substring(0, dot), key.Substring(dot + 1));");
            w.Close();
            w.Close();
        }

        private static void EmitPayload(CodeWriter w, UnionPlan plan)
        {
            var s = TypeCode.Serialization;
            w.Line("/// <summary>");
            w.Line("/// A webhook delivery, typed by its event: one sealed case per event of the spec (" + plan.Cases.Count + "), each holding the");
            w.Line("/// generated payload model in <c>Data</c>, plus the envelope's <see cref=\"Timestamp\"/> and <see cref=\"Workspace\"/>.");
            w.Line("/// <see cref=\"Match{TResult}\"/> and <see cref=\"Switch\"/> take one handler per case, so a new event in the spec breaks every");
            w.Line("/// call that does not handle it at compile time.");
            w.Line("/// </summary>");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
            w.Open("public abstract partial record WebhookPayload");
            w.Line("private WebhookPayload()");
            w.Line("{");
            w.Line("}");
            w.Line();
            w.Line("/// <summary>The event of this case.</summary>");
            w.Line("public abstract WebhookEvent Event { get; }");
            w.Line();
            w.Line("/// <summary>The payload (the delivery's <c>data</c>) as its generated model.</summary>");
            w.Line("public abstract " + s + ".IParsable DataModel { get; }");
            w.Line();
            w.Line("/// <summary>When the event happened (the envelope's <c>timestamp</c>).</summary>");
            w.Line("public global::System.DateTimeOffset Timestamp { get; init; }");
            w.Line();
            w.Line("/// <summary>The workspace of the event, when the server runs with workspaces (the envelope's optional <c>workspace</c>).</summary>");
            w.Line("public string? Workspace { get; init; }");

            foreach (var c in plan.Cases)
            {
                w.Line();
                w.Line("/// <summary><c>" + Identifiers.Xml(c.Entity + "." + c.Action) + "</c>: " + Identifiers.Xml(c.Summary ?? "") + "</summary>");
                w.Line("/// <param name=\"Data\">The payload.</param>");
                w.Open("public sealed record " + c.CaseName + "(" + c.PayloadType + " Data) : WebhookPayload");
                w.Line("/// <inheritdoc />");
                w.Line("public override WebhookEvent Event => WebhookEvent." + c.CaseName + ";");
                w.Line();
                w.Line("/// <inheritdoc />");
                w.Line("public override " + s + ".IParsable DataModel => Data;");
                w.Close();
            }

            // Match / Switch
            w.Line();
            w.Line("/// <summary>Calls the handler of this case and returns its result. Every case needs a handler.</summary>");
            w.Line("/// <typeparam name=\"TResult\">The result type.</typeparam>");
            foreach (var c in plan.Cases)
            {
                w.Line("/// <param name=\"" + Param(c) + "\">Handles <c>" + Identifiers.Xml(c.Entity + "." + c.Action) + "</c>.</param>");
            }

            w.Line("/// <returns>The handler's result.</returns>");
            w.Open("public TResult Match<TResult>(" + string.Join(", ", plan.Cases.Select(c => "global::System.Func<" + c.CaseName + ", TResult> " + Param(c))) + ")");
            w.Open("switch (this)");
            foreach (var c in plan.Cases)
            {
                w.Line("case " + c.CaseName + " x: return (" + Param(c) + " ?? throw new global::System.ArgumentNullException(nameof(" + Param(c) + ")))(x);");
            }

            w.Line("default: throw new global::System.InvalidOperationException(\"Unknown case \" + GetType().Name + \".\");");
            w.Close();
            w.Close();

            w.Line();
            w.Line("/// <summary>Calls the handler of this case. Every case needs a handler.</summary>");
            foreach (var c in plan.Cases)
            {
                w.Line("/// <param name=\"" + Param(c) + "\">Handles <c>" + Identifiers.Xml(c.Entity + "." + c.Action) + "</c>.</param>");
            }

            w.Open("public void Switch(" + string.Join(", ", plan.Cases.Select(c => "global::System.Action<" + c.CaseName + "> " + Param(c))) + ")");
            w.Open("switch (this)");
            foreach (var c in plan.Cases)
            {
                w.Line("case " + c.CaseName + " x: (" + Param(c) + " ?? throw new global::System.ArgumentNullException(nameof(" + Param(c) + ")))(x); return;");
            }

            w.Line("default: throw new global::System.InvalidOperationException(\"Unknown case \" + GetType().Name + \".\");");
            w.Close();
            w.Close();

            // TypeFor / ExampleFor
            w.Line();
            w.Line("/// <summary>The payload model of an event (MLflow's <c>get_payload_class_for_event</c>), or null for an event the spec does not have.</summary>");
            w.Line("/// <param name=\"webhookEvent\">The event.</param>");
            w.Line("/// <returns>The generated model type of the event's <c>data</c>, or null.</returns>");
            w.Open("public static global::System.Type? TypeFor(WebhookEvent webhookEvent)");
            w.Open("switch (webhookEvent.Entity + \".\" + webhookEvent.Action)");
            foreach (var c in plan.Cases)
            {
                w.Line("case " + Identifiers.Literal(c.Entity + "." + c.Action) + ": return typeof(" + c.PayloadType + ");");
            }

            w.Line("default: return null;");
            w.Close();
            w.Close();
            w.Line();
            w.Line("/// <summary>The payload model of an event given by its wire names, or null when unknown.</summary>");
            w.Line("/// <param name=\"entity\">The wire entity.</param>");
            w.Line("/// <param name=\"action\">The wire action.</param>");
            w.Line("/// <returns>The generated model type, or null.</returns>");
            w.Line("public static global::System.Type? TypeFor(string entity, string action) => TypeFor(new WebhookEvent(entity, action));");
            w.Line();
            w.Line("/// <summary>The case type of an event (<c>WebhookPayload.ModelVersionCreated</c>, ...), or null when unknown.</summary>");
            w.Line("/// <param name=\"webhookEvent\">The event.</param>");
            w.Line("/// <returns>The case type, or null.</returns>");
            w.Open("public static global::System.Type? CaseTypeFor(WebhookEvent webhookEvent)");
            w.Open("switch (webhookEvent.Entity + \".\" + webhookEvent.Action)");
            foreach (var c in plan.Cases)
            {
                w.Line("case " + Identifiers.Literal(c.Entity + "." + c.Action) + ": return typeof(" + c.CaseName + ");");
            }

            w.Line("default: return null;");
            w.Close();
            w.Close();
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// The spec's example payload of an event (MLflow's <c>get_example_payload_for_event</c>), as its case, with");
            w.Line("/// <see cref=\"Timestamp\"/> at the Unix epoch. Every call returns new objects.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"webhookEvent\">The event.</param>");
            w.Line("/// <returns>The example.</returns>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">The event is not in the spec, or its payload has no example; the message names the event.</exception>");
            w.Open("public static WebhookPayload ExampleFor(WebhookEvent webhookEvent)");
            w.Open("switch (webhookEvent.Entity + \".\" + webhookEvent.Action)");
            foreach (var c in plan.Cases)
            {
                if (c.HasExample)
                {
                    w.Line("case " + Identifiers.Literal(c.Entity + "." + c.Action) + ": return new " + c.CaseName + "(" + c.PayloadType + ".Example()) { Timestamp = global::System.DateTimeOffset.UnixEpoch };");
                }
                else
                {
                    w.Line("case " + Identifiers.Literal(c.Entity + "." + c.Action) + ": throw new global::System.ArgumentException(\"The webhook event '\" + webhookEvent + \"' has no example payload in the spec.\", nameof(webhookEvent));");
                }
            }

            w.Line("default: throw new global::System.ArgumentException(\"Unknown webhook event '\" + webhookEvent + \"'; known events: \" + string.Join(\", \", WebhookEvent.All) + \".\", nameof(webhookEvent));");
            w.Close();
            w.Close();
            w.Line();
            w.Line("/// <summary>The example payload of an event given by its wire names.</summary>");
            w.Line("/// <param name=\"entity\">The wire entity.</param>");
            w.Line("/// <param name=\"action\">The wire action.</param>");
            w.Line("/// <returns>The example.</returns>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">The event is unknown; the message names it.</exception>");
            w.Line("public static WebhookPayload ExampleFor(string entity, string action) => ExampleFor(new WebhookEvent(entity, action));");

            // TryParse(entity, action, data)
            w.Line();
            w.Line("/// <summary>Reads a delivery's <c>data</c> object into the case of its event. Never throws for bad data; the error names fields, never values.</summary>");
            w.Line("/// <param name=\"entity\">The envelope's <c>entity</c>.</param>");
            w.Line("/// <param name=\"action\">The envelope's <c>action</c>.</param>");
            w.Line("/// <param name=\"data\">The envelope's <c>data</c>.</param>");
            w.Line("/// <param name=\"payload\">The case (timestamp and workspace unset), or null.</param>");
            w.Line("/// <param name=\"error\">Why the data was not read, or null.</param>");
            w.Line("/// <returns>True when the event is known and the data is an object with the payload's required fields.</returns>");
            w.Open("public static bool TryParse(string entity, string action, " + Json + ".JsonElement data, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WebhookPayload? payload, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)");
            w.Line("payload = null;");
            w.Line("error = null;");
            w.Open("if (entity is null || action is null)");
            w.Line("error = \"entity and action are required\";");
            w.Line("return false;");
            w.Close();
            w.Open("if (data.ValueKind != " + Json + ".JsonValueKind.Object)");
            w.Line("error = \"data is not a JSON object\";");
            w.Line("return false;");
            w.Close();
            w.Open("try");
            w.Open("switch (entity + \".\" + action)");
            foreach (var c in plan.Cases)
            {
                w.Open("case " + Identifiers.Literal(c.Entity + "." + c.Action) + ":");
                if (c.RequiredFields.Count > 0)
                {
                    w.Line("if (!HasFields(data, out error, " + string.Join(", ", c.RequiredFields.Select(Identifiers.Literal)) + ")) return false;");
                }

                w.Line("payload = new " + c.CaseName + "(ReadData<" + c.PayloadType + ">(data, " + c.PayloadType + ".CreateFromDiscriminatorValue));");
                w.Line("return true;");
                w.Close();
            }

            w.Line("default:");
            w.Line("    error = \"unknown webhook event '\" + entity + \".\" + action + \"'\";");
            w.Line("    return false;");
            w.Close();
            w.Close();
            w.Open("catch (global::System.Exception ex) when (ex is not global::System.OutOfMemoryException)");
            w.Line("error = \"data does not match the payload of '\" + entity + \".\" + action + \"' (\" + ex.GetType().Name + \")\";");
            w.Line("payload = null;");
            w.Line("return false;");
            w.Close();
            w.Close();

            // Whole envelope
            w.Line();
            w.Line("/// <summary>Reads a whole delivery body (<c>entity</c>, <c>action</c>, <c>timestamp</c>, <c>data</c>, optional <c>workspace</c>). Never throws for bad input.</summary>");
            w.Line("/// <param name=\"deliveryBody\">The JSON body MLflow posted.</param>");
            w.Line("/// <param name=\"payload\">The case, or null.</param>");
            w.Line("/// <param name=\"error\">Why the body was not read, or null.</param>");
            w.Line("/// <returns>True when the body was read.</returns>");
            w.Open("public static bool TryParse(string deliveryBody, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WebhookPayload? payload, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)");
            w.Line("payload = null;");
            w.Open("if (deliveryBody is null)");
            w.Line("error = \"the body is null\";");
            w.Line("return false;");
            w.Close();
            w.Line(Json + ".JsonDocument document;");
            w.Open("try");
            w.Line("document = " + Json + ".JsonDocument.Parse(deliveryBody);");
            w.Close();
            w.Open("catch (" + Json + ".JsonException)");
            w.Line("error = \"the body is not valid JSON\";");
            w.Line("return false;");
            w.Close();
            w.Open("using (document)");
            w.Line("var root = document.RootElement;");
            w.Open("if (root.ValueKind != " + Json + ".JsonValueKind.Object)");
            w.Line("error = \"the body is not a JSON object\";");
            w.Line("return false;");
            w.Close();
            w.Open("if (!root.TryGetProperty(\"entity\", out var entity) || entity.ValueKind != " + Json + ".JsonValueKind.String || !root.TryGetProperty(\"action\", out var action) || action.ValueKind != " + Json + ".JsonValueKind.String)");
            w.Line("error = \"the envelope needs string fields 'entity' and 'action'\";");
            w.Line("return false;");
            w.Close();
            w.Open("if (!root.TryGetProperty(\"timestamp\", out var timestamp) || timestamp.ValueKind != " + Json + ".JsonValueKind.String || !global::System.DateTimeOffset.TryParse(timestamp.GetString(), global::System.Globalization.CultureInfo.InvariantCulture, global::System.Globalization.DateTimeStyles.AssumeUniversal, out var when))");
            w.Line("error = \"the envelope needs an ISO 8601 'timestamp'\";");
            w.Line("return false;");
            w.Close();
            w.Open("if (!root.TryGetProperty(\"data\", out var data))");
            w.Line("error = \"the envelope has no 'data'\";");
            w.Line("return false;");
            w.Close();
            w.Line("string? workspace = null;");
            w.Open("if (root.TryGetProperty(\"workspace\", out var ws) && ws.ValueKind != " + Json + ".JsonValueKind.Null)");
            w.Open("if (ws.ValueKind != " + Json + ".JsonValueKind.String)");
            w.Line("error = \"the envelope's 'workspace' is not a string\";");
            w.Line("return false;");
            w.Close();
            w.Line("workspace = ws.GetString();");
            w.Close();
            w.Open("if (!TryParse(entity.GetString()!, action.GetString()!, data, out var read, out error))");
            w.Line("return false;");
            w.Close();
            w.Line("payload = read with { Timestamp = when, Workspace = workspace };");
            w.Line("return true;");
            w.Close();
            w.Close();
            w.Line();
            w.Line("/// <summary>Reads a whole delivery body.</summary>");
            w.Line("/// <param name=\"deliveryBody\">The JSON body MLflow posted.</param>");
            w.Line("/// <returns>The case of the delivery's event.</returns>");
            w.Line("/// <exception cref=\"global::System.FormatException\">The body is not a delivery of a known event; the message says why.</exception>");
            w.Line("public static WebhookPayload Parse(string deliveryBody) =>");
            w.Line("    TryParse(deliveryBody, out var payload, out var error) ? payload : throw new global::System.FormatException(\"Not a webhook delivery: \" + error + \".\");");

            // ToJson
            w.Line();
            w.Line("/// <summary>Writes the delivery envelope (<c>entity</c>, <c>action</c>, <c>timestamp</c>, <c>data</c>, <c>workspace</c> when set) as JSON.</summary>");
            w.Line("/// <returns>The JSON text.</returns>");
            w.Open("public string ToJson()");
            w.Line("using var dataWriter = new global::Microsoft.Kiota.Serialization.Json.JsonSerializationWriter();");
            w.Line("dataWriter.WriteObjectValue(null, DataModel);");
            w.Line("using var dataStream = dataWriter.GetSerializedContent();");
            w.Line("using var reader = new global::System.IO.StreamReader(dataStream);");
            w.Line("var dataJson = reader.ReadToEnd();");
            w.Line("using var buffer = new global::System.IO.MemoryStream();");
            w.Open("using (var writer = new " + Json + ".Utf8JsonWriter(buffer))");
            w.Line("writer.WriteStartObject();");
            w.Line("writer.WriteString(\"entity\", Event.Entity);");
            w.Line("writer.WriteString(\"action\", Event.Action);");
            w.Line("writer.WriteString(\"timestamp\", Timestamp.ToString(\"yyyy-MM-dd'T'HH:mm:ss.ffffffzzz\", global::System.Globalization.CultureInfo.InvariantCulture));");
            w.Line("writer.WritePropertyName(\"data\");");
            w.Line("writer.WriteRawValue(dataJson);");
            w.Open("if (Workspace != null)");
            w.Line("writer.WriteString(\"workspace\", Workspace);");
            w.Close();
            w.Line("writer.WriteEndObject();");
            w.Close();
            w.Line("return global::System.Text.Encoding.UTF8.GetString(buffer.ToArray());");
            w.Close();

            // helpers
            w.Line();
            w.Open("private static bool HasFields(" + Json + ".JsonElement data, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error, params string[] names)");
            w.Open("foreach (var name in names)");
            w.Open("if (!data.TryGetProperty(name, out _))");
            w.Line("error = \"data lacks the required field '\" + name + \"'\";");
            w.Line("return false;");
            w.Close();
            w.Close();
            w.Line("error = null;");
            w.Line("return true;");
            w.Close();
            w.Line();
            w.Open("private static T ReadData<T>(" + Json + ".JsonElement data, " + s + ".ParsableFactory<T> factory) where T : " + s + ".IParsable");
            w.Line("var node = new global::Microsoft.Kiota.Serialization.Json.JsonParseNode(data.Clone());");
            w.Line("return node.GetObjectValue(factory) ?? throw new global::System.FormatException(\"data is empty\");");
            w.Close();
            w.Close();
        }
    }
}
