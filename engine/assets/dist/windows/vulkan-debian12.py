"""Lets ggml-vulkan build with Debian 12's glslc (2023.2) and Vulkan-Headers (1.3.239).

llama.cpp v0.5.0 compiles its Intel Xe flash-attention decode shaders whatever glslc supports;
the other cooperative-matrix shaders are already behind GGML_VULKAN_COOPMAT_GLSLC_SUPPORT. This
puts those two behind the same switch, in the shader generator, in the pipeline creation and in
the choice of that path, so without the switch Intel Xe GPUs take the generic flash attention.
"""
import sys

src = sys.argv[1]
G = "#if defined(GGML_VULKAN_COOPMAT_GLSLC_SUPPORT)\n"


def edit(path, old, new):
    with open(path) as f:
        s = f.read()
    if s.count(old) != 1:
        sys.exit("nocoopmat: %s: expected one %r" % (path, old[:60]))
    with open(path, "w") as f:
        f.write(s.replace(old, new))


gen = src + "/ggml/src/ggml-vulkan/vulkan-shaders/vulkan-shaders-gen.cpp"
ph = ('    string_to_spv("fa_decode_ph1", "flash_attn_decode_phase_1.comp", {}, true, true, false, false);\n'
      '    string_to_spv("fa_decode_ph2", "flash_attn_decode_phase_2.comp", {}, true, true, false, false);\n')
edit(gen, ph, G + ph + "#endif\n")

vk = src + "/ggml/src/ggml-vulkan/ggml-vulkan.cpp"
start = "    if (device->vendor_id == VK_VENDOR_ID_INTEL && (device->architecture == INTEL_XE2 || (device->architecture == INTEL_XE1 && device->coopmat_support && device->uma))) {\n"
edit(vk, start, G + start)
end = "out_per_wg_ph2, xe_native_sub_group_size, split_p_per_iter_ph2, split_p_chunk, out_dim_per_wg }, 1, false, true, xe_native_sub_group_size);\n        }\n    }\n"
edit(vk, end, end + "#endif\n")
choice = "        xe_fa_opt = xe_fa_supported_platform && xe_fa_supported_usage && xe_fa_supported_dtype;\n"
edit(vk, choice, G + choice + "#else\n        GGML_UNUSED(xe_fa_supported_platform); GGML_UNUSED(xe_fa_supported_usage); GGML_UNUSED(xe_fa_supported_dtype);\n#endif\n")

# Vulkan-Headers 1.3.239 (Debian 12) predate VK_EXT_layer_settings (1.3.261). The setting it
# passes only turns on the validation layer's best-practice checks, asked for in debugging.
old = """    VkBool32 enable_best_practice = layer_settings;
    std::vector<vk::LayerSettingEXT> settings = {
        {
            "VK_LAYER_KHRONOS_validation",
            "validate_best_practices",
            vk::LayerSettingTypeEXT::eBool32,
            1,
            &enable_best_practice
        },
    };
    vk::LayerSettingsCreateInfoEXT layer_setting_info(settings);
    vk::InstanceCreateInfo instance_create_info(vk::InstanceCreateFlags{}, &app_info, layers, extensions, &layer_setting_info);
"""
new = ("#if defined(VK_EXT_layer_settings)\n" + old + "#else\n"
       "    vk::InstanceCreateInfo instance_create_info(vk::InstanceCreateFlags{}, &app_info, layers, extensions);\n"
       "#endif\n")
edit(vk, old, new)
