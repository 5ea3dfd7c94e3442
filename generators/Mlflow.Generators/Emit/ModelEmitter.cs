using System.Linq;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Emit
{
    /// <summary>Writes model classes (IParsable + IAdditionalDataHolder) and string enums.</summary>
    internal static class ModelEmitter
    {
        public static GeneratedFile EmitModel(ModelClass model, GeneratorOptions options)
        {
            var s = TypeSyntax.Serialization;
            var self = "global::" + TypeSyntax.ModelsNamespace(options) + "." + model.Name;
            var w = new CodeWriter();
            Header(w);
            w.Open("namespace " + TypeSyntax.ModelsNamespace(options));
            w.Summary(model.Description, "The " + model.Name + " message.");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
            var bases = (model.IsError ? TypeSyntax.Abstractions + ".ApiException, " : "") + s + ".IAdditionalDataHolder, " + s + ".IParsable";
            w.Open("public partial class " + model.Name + " : " + bases);
            w.Line("/// <summary>Fields the spec does not describe (for example from a newer server); they are kept and written back.</summary>");
            w.Line("public global::System.Collections.Generic.IDictionary<string, object> AdditionalData { get; set; }");
            foreach (var property in model.Properties)
            {
                w.Line();
                w.Summary(property.Description, "The " + property.JsonName + " field.");
                if (property.Deprecated)
                {
                    w.Line("/// <remarks>Deprecated by the server.</remarks>");
                }

                w.Line("public " + TypeSyntax.Nullable(property.Type, options) + " " + property.CsName + " { get; set; }");
            }

            var message = model.IsError ? model.Properties.FirstOrDefault(p => p.JsonName == "message" && p.Type.Kind == TypeKind.String) : null;
            if (message != null)
            {
                w.Line();
                w.Line("/// <summary>The error message sent by the server.</summary>");
                w.Line("public override string Message => " + message.CsName + " ?? base.Message;");
            }

            w.Line();
            w.Line("/// <summary>Creates an empty instance.</summary>");
            w.Open("public " + model.Name + "()");
            w.Line("AdditionalData = new global::System.Collections.Generic.Dictionary<string, object>();");
            w.Close();
            w.Line();
            w.Line("/// <summary>Creates a new instance for the parse node (the factory Kiota calls).</summary>");
            w.Line("/// <param name=\"parseNode\">The node to read.</param>");
            w.Line("/// <returns>A new, empty instance.</returns>");
            w.Open("public static " + self + " CreateFromDiscriminatorValue(" + s + ".IParseNode parseNode)");
            w.Line("_ = parseNode ?? throw new global::System.ArgumentNullException(nameof(parseNode));");
            w.Line("return new " + self + "();");
            w.Close();
            w.Line();
            w.Line("/// <summary>The readers of the known fields, by wire name.</summary>");
            w.Line("/// <returns>One reader per field.</returns>");
            w.Open("public virtual global::System.Collections.Generic.IDictionary<string, global::System.Action<" + s + ".IParseNode>> GetFieldDeserializers()");
            w.Open("return new global::System.Collections.Generic.Dictionary<string, global::System.Action<" + s + ".IParseNode>>");
            foreach (var property in model.Properties)
            {
                var key = Naming.Literal(property.JsonName);
                if (property.Type.Kind == TypeKind.Enum)
                {
                    // An enum name this client does not know (a newer server) is kept in AdditionalData and written back.
                    w.Line("{ " + key + ", n => { " + property.CsName + " = " + TypeSyntax.Read(property.Type, "n", options) + "; if (" + property.CsName + " is null && n.GetStringValue() is string raw) AdditionalData[" + key + "] = raw; } },");
                }
                else
                {
                    w.Line("{ " + key + ", n => { " + property.CsName + " = " + TypeSyntax.Read(property.Type, "n", options) + "; } },");
                }
            }

            w.Close(";");
            w.Close();
            w.Line();
            w.Line("/// <summary>Writes the known fields, then the additional data.</summary>");
            w.Line("/// <param name=\"writer\">The writer to write to.</param>");
            w.Open("public virtual void Serialize(" + s + ".ISerializationWriter writer)");
            w.Line("_ = writer ?? throw new global::System.ArgumentNullException(nameof(writer));");
            foreach (var property in model.Properties)
            {
                w.Line(TypeSyntax.Write(property.Type, "writer", Naming.Literal(property.JsonName), property.CsName, options));
            }

            w.Line("writer.WriteAdditionalData(AdditionalData);");
            w.Close();
            w.Close();
            w.Close();
            return new GeneratedFile("Models/" + model.Name + ".g.cs", w.ToString());
        }

        public static GeneratedFile EmitEnum(EnumModel model, GeneratorOptions options)
        {
            var w = new CodeWriter();
            Header(w);
            w.Open("namespace " + TypeSyntax.ModelsNamespace(options));
            w.Summary(model.Description, "The " + model.Name + " values.");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
            w.Open("public enum " + model.Name);
            foreach (var member in model.Members)
            {
                w.Line("/// <summary>" + Naming.Xml(member.WireName) + "</summary>");
                w.Line("[global::System.Runtime.Serialization.EnumMember(Value = " + Naming.Literal(member.WireName) + ")]");
                w.Line(member.CsName + ",");
            }

            w.Close();
            w.Close();
            return new GeneratedFile("Models/" + model.Name + ".g.cs", w.ToString());
        }

        internal static void Header(CodeWriter w)
        {
            w.Line("// <auto-generated>");
            w.Line("// Generated by Mlflow.Generators from the OpenAPI spec. Do not edit: change the spec and rebuild.");
            w.Line("// </auto-generated>");
            w.Line("#nullable enable");
            w.Line("#pragma warning disable CS0618 // deprecated members of the spec are still emitted");
        }
    }
}
