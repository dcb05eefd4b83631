#include <gtest/gtest.h>

#include <hebb/core/params.hpp>

TEST(params, defaults_overridden_and_unknown_names_suggest_closest) {
  const std::vector<hebb::param_spec> specs = {{"tau_m", 20.0, "ms", "membrane time constant"},
                                               {"v_thresh", -50.0, "mV", "threshold"}};
  auto p = hebb::resolve_params("lif", specs, {{"tau_m", 10.0}});
  EXPECT_EQ(p.at("tau_m"), 10.0);
  EXPECT_EQ(p.at("v_thresh"), -50.0);
  try {
    hebb::resolve_params("lif", specs, {{"tau_n", 10.0}});
    FAIL() << "no error";
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'tau_m'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("lif"), std::string::npos) << e.what();
  }
}

TEST(params, closest_name_by_edit_distance) {
  const std::vector<std::string> c = {"izhikevich", "lif_cond_exp", "lif_curr_exp", "adex"};
  EXPECT_EQ(hebb::closest_name("lif_cond_ex", c), "lif_cond_exp");
  EXPECT_EQ(hebb::closest_name("izhikevic", c), "izhikevich");
  EXPECT_EQ(hebb::closest_name("adx", c), "adex");
}
