"""URLs of the rewards app, mounted at /rewards/."""

from django.urls import path

from . import views

app_name = "rewards"

urlpatterns = [
    path("", views.MyRewardsView.as_view(), name="mine"),
    path("shop/", views.ShopView.as_view(), name="shop"),
    path("shop/<int:pk>/", views.ItemView.as_view(), name="item"),
    path("shop/<int:pk>/buy/", views.BuyView.as_view(), name="buy"),
    path("items/<int:pk>/equip/", views.EquipView.as_view(), name="equip"),
    path("equipped/<slug:kind>/remove/", views.UnequipView.as_view(), name="unequip"),
    path("leaderboard/", views.LeaderboardView.as_view(), name="leaderboard"),
    path("leaderboard/choice/", views.LeaderboardOptInView.as_view(), name="leaderboard_opt_in"),
    path("leaderboard/<int:pk>/", views.TutorLeaderboardView.as_view(), name="tutor_leaderboard"),
    path("children/", views.ChildrenView.as_view(), name="children"),
    path("students/<int:pk>/", views.StudentRewardsView.as_view(), name="student"),
]
