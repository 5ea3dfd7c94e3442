using Mlflow.Generators.Helpers;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Emit
{
    /// <summary>Writes a Kiota model class: IParsable + IAdditionalDataHolder (error models also derive from ApiException).</summary>
    internal static class ModelEmitter
    {
        /// <summary>The property's doc, with what reading it gives when the server leaves the field out.</summary>
        private static string? PropertyDoc(PropertyPlan p)
        {
            var text = string.IsNullOrWhiteSpace(p.Description) ? null : p.Description!.Trim();
            string? absent = null;
            switch (p.Presence)
            {
                case Presence.Collection:
                    absent = "Never null: empty when the field is absent.";
                    break;
                case Presence.Required:
                    var why = p.AlwaysWritten ? "MLflow always writes it" : "MLflow requires it";
                    absent = IsReference(p.Type)
                        ? why + "; reading it while it is not set throws MlflowMissingFieldException naming the type and field."
                        : why + "; while it is not set, reading it gives the proto default (" + DefaultText(p.Type) + ")"
                          + (p.Type.Kind == UseKind.Enum ? "; a value this SDK does not know (kept in AdditionalData) throws MlflowMissingFieldException with the raw value." : ".");
                    break;
            }

            if (absent == null)
            {
                return text;
            }

            return (text ?? "The " + p.WireName + " field.") + "\n" + absent;
        }

        private static bool IsReference(TypeUse t) => t.Kind == UseKind.String || t.Kind == UseKind.Model || t.Kind == UseKind.Bytes;

        private static string DefaultText(TypeUse t)
        {
            switch (t.Kind)
            {
                case UseKind.Boolean: return "false";
                case UseKind.Enum: return "the enum's first value";
                case UseKind.DateTime: return "the Unix epoch";
                default: return "0";
            }
        }

        private static void EmitProperty(CodeWriter w, ModelPlan m, PropertyPlan p)
        {
            var type = TypeCode.CsType(p.Type);
            switch (p.Presence)
            {
                case Presence.Optional:
                    w.Line("public " + type + "? " + p.CsName + " { get; set; }");
                    return;
                case Presence.Collection:
                    w.Line("public " + type + " " + p.CsName + " { get => " + p.Storage + " ??= new " + type + "(); set => " + p.Storage + " = value; }");
                    break;
                default:
                    string fallback;
                    if (IsReference(p.Type))
                    {
                        fallback = "throw new " + TypeCode.Runtime("MlflowMissingFieldException") + "(" + Identifiers.Literal(m.ClassName) + ", " + Identifiers.Literal(p.WireName) + ")";
                    }
                    else if (p.Type.Kind == UseKind.Enum)
                    {
                        fallback = TypeCode.WireRead + ".KnownEnumOrDefault<" + type + ">(Mlflow_AdditionalData, " + Identifiers.Literal(m.ClassName) + ", " + Identifiers.Literal(p.WireName) + ")";
                    }
                    else if (p.Type.Kind == UseKind.DateTime)
                    {
                        fallback = "global::System.DateTimeOffset.UnixEpoch";
                    }
                    else
                    {
                        fallback = "default";
                    }

                    w.Line("public " + type + " " + p.CsName + " { get => " + p.Storage + " ?? " + fallback + "; set => " + p.Storage + " = value; }");
                    break;
            }

            w.Line();
            w.Line("private " + type + "? " + p.Storage + ";");
        }

        public static string HintName(ModelPlan m) => GeneratedNamespaces.Models + "." + m.ClassName + ".g.cs";

        public static string Emit(ModelPlan m)
        {
            var s = TypeCode.Serialization;
            var w = new CodeWriter().Header();
            w.Open("namespace " + GeneratedNamespaces.Models);
            w.Summary(m.Description, "The " + m.ClassName + " message.");
            if (m.Deprecated)
            {
                w.Line("[global::System.Obsolete(\"Deprecated in the MLflow API.\")]");
            }

            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
            var bases = (m.IsError ? TypeCode.Abstractions + ".ApiException, " : "") + s + ".IAdditionalDataHolder, " + s + ".IParsable";
            w.Open("public partial class " + m.ClassName + " : " + bases);
            w.Line("/// <summary>Fields the OpenAPI description does not declare (from newer servers), kept as read and written back.</summary>");
            w.Line("public " + TypeCode.Generic + ".IDictionary<string, object> AdditionalData { get => Mlflow_AdditionalData ??= new " + TypeCode.Generic + ".Dictionary<string, object>(); set => Mlflow_AdditionalData = value; }");
            w.Line();
            w.Line("// Created on first use: models built to be sent (a batch of metrics) need none.");
            w.Line("private " + TypeCode.Generic + ".IDictionary<string, object>? Mlflow_AdditionalData;");
            foreach (var p in m.Properties)
            {
                w.Line();
                w.Summary(PropertyDoc(p), "The " + p.WireName + " field.");
                if (p.Deprecated)
                {
                    w.Line("[global::System.Obsolete(\"Deprecated in the MLflow API.\")]");
                }

                EmitProperty(w, m, p);
            }

            if (m.IsError)
            {
                foreach (var p in m.Properties)
                {
                    if (p.CsName == "MessageEscaped" && p.Type.Kind == UseKind.String)
                    {
                        w.Line();
                        w.Line("/// <summary>The error message (the <c>message</c> field).</summary>");
                        w.Line("public override string Message { get => " + p.Storage + " ?? string.Empty; }");
                    }
                }
            }

            w.Line();
            w.Line("/// <summary>Creates an empty " + m.ClassName + ".</summary>");
            w.Open("public " + m.ClassName + "()");
            w.Close();
            w.Line();
            w.Line("/// <summary>Creates a new instance of the appropriate class based on discriminator value.</summary>");
            w.Line("/// <param name=\"parseNode\">The parse node to use to read the discriminator value and create the object.</param>");
            w.Line("/// <returns>A <see cref=\"" + m.ClassName + "\"/>.</returns>");
            w.Open("public static " + m.ClassName + " CreateFromDiscriminatorValue(" + s + ".IParseNode parseNode)");
            w.Line("_ = parseNode ?? throw new global::System.ArgumentNullException(nameof(parseNode));");
            w.Line("return new " + m.ClassName + "();");
            w.Close();
            w.Line();
            var table = TypeCode.Runtime("FieldTable<" + m.ClassName + ">");
            w.Line("private static readonly " + table + " Mlflow_FieldTable = new " + table + "(");
            var names = new System.Text.StringBuilder();
            foreach (var p in m.Properties)
            {
                names.Append(names.Length == 0 ? "" : ", ").Append(Identifiers.Literal(p.WireName));
            }

            w.Line("    " + (m.Properties.Count == 0 ? "global::System.Array.Empty<string>()" : "new string[] { " + names + " }") + ",");
            w.Line("    static (o, i) => o.Mlflow_FieldReader(i));");
            w.Line();
            w.Line("/// <summary>The deserialization information for the current model; unknown fields go to <see cref=\"AdditionalData\"/>.</summary>");
            w.Line("/// <returns>A dictionary of field deserializers by wire name.</returns>");
            w.Open("public virtual " + TypeCode.Generic + ".IDictionary<string, global::System.Action<" + s + ".IParseNode>> GetFieldDeserializers()");
            w.Line("return new " + TypeCode.Runtime("ModelFieldDeserializers<" + m.ClassName + ">") + "(this, Mlflow_FieldTable);");
            w.Close();
            w.Line();
            w.Open("private global::System.Action<" + s + ".IParseNode> Mlflow_FieldReader(int index)");
            w.Open("switch (index)");
            for (var i = 0; i < m.Properties.Count; i++)
            {
                var p = m.Properties[i];
                w.Line("case " + i + ": return n => { " + TypeCode.Read(p.Type, p.Storage, p.WireName) + " };");
            }

            w.Line("default: throw new global::System.ArgumentOutOfRangeException(nameof(index));");
            w.Close();
            w.Close();
            w.Line();
            w.Line("/// <summary>Serializes information the current object.</summary>");
            w.Line("/// <param name=\"writer\">Serialization writer to use to serialize this model.</param>");
            w.Open("public virtual void Serialize(" + s + ".ISerializationWriter writer)");
            w.Line("_ = writer ?? throw new global::System.ArgumentNullException(nameof(writer));");
            foreach (var p in m.Properties)
            {
                w.Line(TypeCode.Write(p.Type, "writer", Identifiers.Literal(p.WireName), p.Storage));
            }

            w.Open("if (Mlflow_AdditionalData is { Count: > 0 })");
            w.Line("writer.WriteAdditionalData(Mlflow_AdditionalData);");
            w.Close();
            w.Close();
            w.Close();
            w.Close();
            return w.ToString();
        }
    }
}
