"""URLs of the Moral Alliance (partners, rewards, vouchers), passing points on, and the settlement report."""

urlpatterns: list = []
